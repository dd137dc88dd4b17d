"""Telegram handlers, one module per feature; assembled in bot.telegram.app."""
