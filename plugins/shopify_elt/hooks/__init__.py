"""Airflow hooks of the pipeline."""
