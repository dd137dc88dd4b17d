"""Alembic script directory of the database schema; apply it with bot.schema.migrate."""
