"""Lead-scoring project: synthetic raw data generation and helpers around the dbt models."""
