"""Inline keyboards the domain's queued messages carry, built from their labels in the texts."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.meetings import texts as mt
from bot.telegram.callbacks import Action, pack


def rsvp_markup(meeting_id: int) -> InlineKeyboardMarkup:
    """«Sẽ dự» / «Xin vắng» on invitations, reminders and changes."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    mt.RSVP_ATTEND, callback_data=pack(Action.RSVP, meeting_id, "a")
                ),
                InlineKeyboardButton(
                    mt.RSVP_EXCUSE, callback_data=pack(Action.RSVP, meeting_id, "x")
                ),
            ]
        ]
    )


def vote_markup(meeting_id: int) -> InlineKeyboardMarkup:
    """The four ratings of Hướng dẫn 12-HD/BTCTW."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=pack(Action.VOTE, meeting_id, str(rating))
                )
                for rating, label in mt.RATING_LABELS.items()
            ]
        ]
    )


def buttons_markup(spec: str) -> InlineKeyboardMarkup | None:
    """The keyboard a queued meeting message carries: "rsvp:<id>" or "vote:<id>"."""
    kind, _, raw = spec.partition(":")
    if not raw.isdigit():
        return None
    if kind == "rsvp":
        return rsvp_markup(int(raw))
    if kind == "vote":
        return vote_markup(int(raw))
    return None
