# The official Airflow image extended with this project, as Airflow's docker-compose guide advises
# instead of installing at every container start: graphql-core (pinned as in requirements.lock) and
# the project itself, so that the `shopify` connection type registers (provider entry point) and
# `python -m shopify_simulator` runs. dags/, plugins/ and include/ are mounted by docker-compose.yaml;
# Airflow puts the mounted plugins/ ahead of this copy on sys.path, so edits apply without a rebuild.
FROM apache/airflow:3.3.2-python3.11
COPY --chown=airflow:root pyproject.toml README.md /opt/shopify-elt/
COPY --chown=airflow:root plugins /opt/shopify-elt/plugins
COPY --chown=airflow:root shopify_simulator /opt/shopify-elt/shopify_simulator
RUN pip install --no-cache-dir "apache-airflow==3.3.2" "graphql-core==3.3.2" \
    && pip install --no-cache-dir --no-deps -e /opt/shopify-elt
