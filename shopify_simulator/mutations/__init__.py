"""Mutation resolvers."""
