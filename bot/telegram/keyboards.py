"""Inline keyboards the domain's queued messages carry, built from their labels in the texts."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.meetings import texts as mt
from bot.telegram.callbacks import Action, pack


def _marked(label: str, chosen: bool) -> str:
    return mt.CHOSEN.format(label=label) if chosen else label


def rsvp_markup(meeting_id: int, chosen: str | None = None) -> InlineKeyboardMarkup:
    """«Sẽ dự» / «Xin vắng» on invitations, reminders and changes; the member's own choice
    («a» or «x») marked once made, and still changeable."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _marked(mt.RSVP_ATTEND, chosen == "a"),
                    callback_data=pack(Action.RSVP, meeting_id, "a"),
                ),
                InlineKeyboardButton(
                    _marked(mt.RSVP_EXCUSE, chosen == "x"),
                    callback_data=pack(Action.RSVP, meeting_id, "x"),
                ),
            ]
        ]
    )


def vote_markup(meeting_id: int, chosen: str | None = None) -> InlineKeyboardMarkup:
    """The four ratings of Hướng dẫn 12-HD/BTCTW; the member's own vote marked once cast."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _marked(label, chosen == str(rating)),
                    callback_data=pack(Action.VOTE, meeting_id, str(rating)),
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
