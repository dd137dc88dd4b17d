"""Documents: /vanban, /tailieu, original files, and files secretaries send (documents, rosters)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import io
import logging
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlmodel import Session
from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError

from bot import members, texts
from bot.answers import library
from bot.answers import texts as ant
from bot.members import Access, MembershipError
from bot.members import texts as mbt
from bot.members.roster import RosterError, RosterRow, is_roster_file, parse_roster
from bot.members.roster_import import FIELDS as ROSTER_FIELDS
from bot.members.roster_import import show as roster_value
from bot.messages import CAPTION_LIMIT, fit_html
from bot.models import Cell, Committee
from bot.services import Services
from bot.telegram.callbacks import Action, pack, unpack
from bot.telegram.handlers.common import (
    REFUSED,
    Context,
    access_of,
    actor,
    button_ids,
    decided,
    deliver,
    in_session,
    keyboard,
    member_access,
    refusal,
    reply,
    services,
)
from bot.telegram.policy import target_chat
from knowledge.errors import IngestError
from knowledge.ingest import FileOutcome
from knowledge.models import Document, Scope, Trust
from knowledge.ocr import Progress
from knowledge.provenance import Provenance
from knowledge.readers import format_of

log = logging.getLogger(__name__)

TELEGRAM_DOWNLOAD_MB = 20
ROSTER_MAX_MB = 5
ROSTER_ERRORS_SHOWN = 20
ROSTER_CHANGES_SHOWN = 40
MAX_NAME_CHARS = 120
ALBUM_WAIT_SECONDS = 2.0  # an album's photos arrive as separate messages, close together
PROGRESS_SECONDS = 2.0  # at most one progress edit this often


def pages_as_pdf(images: list[bytes]) -> bytes:
    """Photos of pages as one PDF of images, in order (read later like any scan)."""
    try:
        pages = [Image.open(io.BytesIO(data)).convert("RGB") for data in images]
    except (UnidentifiedImageError, OSError) as exc:
        raise IngestError("bad_image", "một ảnh trong album bị hỏng") from exc
    buffer = io.BytesIO()
    first, *rest = pages
    first.save(buffer, "PDF", save_all=True, append_images=rest, resolution=300)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- reading


async def document_card(update: Update, context: Context) -> None:
    """/vanban <số hiệu>: metadata, outline and buttons for the full text and the file."""
    access = await member_access(update, context)
    if access is None:
        return
    number = " ".join(context.args or []).strip()
    if not number:
        await reply(update, context, ant.VANBAN_USAGE)
        return
    reader, admins = access.telegram_user_id, services(context).admins
    cards = await in_session(
        context, lambda s: library.document_cards(s, reader=reader, text=number, admins=admins)
    )
    if not cards:
        await reply(update, context, ant.VANBAN_NOT_FOUND.format(number=html.escape(number)))
        return
    if len(cards) > 1:
        await deliver(
            update, context, ant.VANBAN_MANY.format(number=html.escape(number), n=len(cards))
        )
    for card in cards:
        doc = card.document_id
        rows = [
            [
                (ant.BTN_READ, pack(Action.PAGE, doc, 0)),
                (ant.BTN_FILE, pack(Action.ORIGINAL, doc)),
            ]
        ]
        if card.manageable:  # whoever manages its scope: check (unless done or a sample), remove
            check = [(ant.BTN_DOC_CHECK, pack(Action.DOC_CHECK, doc))] if card.checkable else []
            rows.append([*check, (ant.BTN_DOC_REMOVE, pack(Action.DOC_REMOVE, doc, 0))])
        await deliver(update, context, card.html, keyboard(*rows))


async def check_document(update: Update, context: Context) -> None:
    """✅ Đã đối chiếu: the presser compared the document with its official text."""
    query = update.callback_query
    assert query is not None
    ids = await button_ids(update, 1)
    if ids is None:
        return
    svc = services(context)
    reader = query.from_user.id

    def check(session: Session) -> tuple[str, bool, str] | None:
        access = members.access(session, telegram_user_id=reader, admins=svc.admins)
        name = access.member.full_name if access.member else query.from_user.full_name
        document = library.check_as(
            session, reader=reader, admins=svc.admins, document_id=ids[0], by=name
        )
        if document is None:
            return None
        return library.doc_info(document).cite_prose(), document.trust == Trust.SAMPLE, name

    done = await in_session(context, check)
    if done is None:  # another cell's, or gone: told apart by nobody
        await query.answer(ant.DOC_NOT_YOURS, show_alert=True)
        return
    label, sample, name = done
    if sample:
        await query.answer(ant.DOC_SAMPLE_CANNOT_CHECK, show_alert=True)
        return
    await asyncio.to_thread(svc.retriever.refresh_documents)
    await query.answer()
    text = ant.DOC_CHECKED.format(label=html.escape(label), who=html.escape(name))
    await deliver(update, context, text)


async def remove_document(update: Update, context: Context) -> None:
    """🗑: asks first (naming the document), then removes it from the library."""
    query = update.callback_query
    assert query is not None
    ids = await button_ids(update, 2)
    if ids is None:
        return
    document_id, step = ids
    svc = services(context)
    reader = query.from_user.id
    if step == 0:  # ask, naming it
        found = await in_session(
            context,
            lambda s: library.managed_document(
                s, reader=reader, admins=svc.admins, document_id=document_id
            ),
        )
        if found is None:
            await query.answer(ant.DOC_NOT_YOURS, show_alert=True)
            return
        await query.answer()
        named = html.escape(library.doc_info(found).cite_prose())
        markup = keyboard(
            [
                (ant.BTN_DOC_REMOVE_CONFIRM, pack(Action.DOC_REMOVE, document_id, 1)),
                (ant.BTN_DOC_KEEP, pack(Action.DOC_REMOVE, document_id, 2)),
            ]
        )
        await deliver(update, context, ant.DOC_REMOVE_ASK.format(label=named), markup)
        return
    if step == 2:
        await query.answer(ant.DOC_KEPT)
        await _edit_query(query, ant.DOC_KEPT)
        return
    removed = await in_session(
        context,
        lambda s: library.remove_as(s, reader=reader, admins=svc.admins, document_id=document_id),
    )
    if removed is None:
        await query.answer(ant.DOC_NOT_YOURS, show_alert=True)
        return
    await asyncio.to_thread(svc.retriever.sync)
    await query.answer()
    await _edit_query(query, ant.DOC_REMOVED.format(label=html.escape(removed)))


async def _edit_query(query: CallbackQuery, text: str) -> None:
    """Replace the question under the buttons with its outcome."""
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text)
        except BadRequest as exc:
            log.info("could not edit the question: %s", exc)


async def catalogue(update: Update, context: Context) -> None:
    """/tailieu [loại] [năm]: documents in the store by type and year."""
    access = await member_access(update, context)
    if access is None:
        return
    doc_type, year = library.parse_filters(list(context.args or []))
    reader = access.telegram_user_id
    text = await in_session(
        context, lambda s: library.catalogue(s, reader=reader, doc_type=doc_type, year=year)
    )
    await deliver(update, context, text)


async def send_original(update: Update, context: Context) -> None:
    """📎: the document's original file."""
    query = update.callback_query
    assert query is not None
    access = await access_of(context, query.from_user.id)
    if not access.can_ask:
        await query.answer(refusal(access), show_alert=True)
        return
    ids = await button_ids(update, 1)
    if ids is None:
        return

    reader = query.from_user.id
    found = await in_session(
        context, lambda s: library.original_file(s, reader=reader, document_id=ids[0])
    )
    if found is None:  # gone, or another cell's: told apart by nobody
        await query.answer(ant.FILE_MISSING, show_alert=True)
        return
    await query.answer()
    path, name, citation = found
    data = await asyncio.to_thread(path.read_bytes)
    caption = fit_html(f"<b>{html.escape(citation)}</b>", CAPTION_LIMIT)
    # A group gets the file only if it holds only members (bot.telegram.policy, CELL_GROUP).
    await context.bot.send_document(target_chat(update), data, filename=name, caption=caption)


# ----------------------------------------------------------------------------- uploads


async def _uploader(
    update: Update, context: Context, to_member: str = ant.UPLOAD_FORBIDDEN
) -> tuple[Access, Committee | None] | None:
    """Who may add documents: a cell's secretary, an admin, or a đảng bộ's secretary (whose
    uploads are that đảng bộ's); anyone else is told why not, and None is returned."""
    user = update.effective_user
    assert user is not None
    access = await access_of(context, user.id)
    if access.is_secretary:
        return access, None
    committee = await in_session(
        context, lambda s: members.committee_secretary_of(s, telegram_user_id=user.id)
    )
    if committee is None:
        await reply(update, context, to_member if access.can_ask else refusal(access))
        return None
    return access, committee


async def receive_file(update: Update, context: Context) -> None:
    """A file in a private chat: a secretary's document to ingest, or the cell's roster."""
    message = update.effective_message
    assert message is not None and message.document is not None
    allowed = await _uploader(update, context)
    if allowed is None:
        return
    access, committee = allowed
    name = _safe_name(message.document.file_name or "tep")
    if committee is None and is_roster_file(name):
        await _import_roster(update, context, access, name)
        return
    await ingest_upload(update, context, access, committee=committee)


async def receive_photo(update: Update, context: Context) -> None:
    """A photo in a private chat: a page of a document a secretary adds. Photos sent together
    (an album) are gathered for a moment and become one document, pages in their order."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.photo
    allowed = await _uploader(update, context, texts.TEXT_ONLY)  # a member's photo: not a question
    if allowed is None:
        return
    access, committee = allowed
    largest = message.photo[-1]
    if message.media_group_id is None:
        name = "anh-chup-1-trang.jpg"  # kept apart by content, not by name
        await _ingest_received(
            update, context, access, committee, name, largest.file_size or 0,
            lambda: _fetch(largest.file_id, context, name),
        )  # fmt: skip
        return
    key = (user.id, message.media_group_id)
    album = context.bot_data.albums.setdefault(key, [])
    album.append((message.message_id, largest.file_id, largest.file_size or 0))
    if len(album) == 1:  # the first page starts the wait for the others
        context.application.create_task(
            _ingest_album(update, context, access, committee, key), update=update
        )


async def _ingest_album(
    update: Update,
    context: Context,
    access: Access,
    committee: Committee | None,
    key: tuple[int, str],
) -> None:
    """The album's pages, once no more arrive, as one scanned PDF in the order they were sent."""
    seen = -1
    while seen != len(context.bot_data.albums.get(key, [])):
        seen = len(context.bot_data.albums.get(key, []))
        await asyncio.sleep(ALBUM_WAIT_SECONDS)
    pages = sorted(context.bot_data.albums.pop(key, []))
    name = f"anh-chup-{len(pages)}-trang.pdf"  # kept apart by content, not by name
    size = sum(size for _, _, size in pages)

    async def fetch() -> bytes | None:
        images = []
        for _, file_id, _size in pages:
            data = await _fetch(file_id, context, name)
            if data is None:
                return None
            images.append(data)
        try:
            return await asyncio.to_thread(pages_as_pdf, images)
        except IngestError as exc:
            log.info("album %s: %s", name, exc.message)
            return None

    await _ingest_received(update, context, access, committee, name, size, fetch)


async def _fetch(file_id: str, context: Context, name: str) -> bytes | None:
    try:
        file = await context.bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("download of %s failed: %s", name, exc)
        return None


async def stop_recognition(update: Update, context: Context) -> None:
    """⛔ Dừng under «Đang nhận dạng trang …»: only whoever sent the pages may stop it."""
    query = update.callback_query
    assert query is not None
    unpacked = unpack(query.data)
    job = context.bot_data.recognitions.get(unpacked[1][0]) if unpacked and unpacked[1] else None
    if job is None:
        await query.answer(ant.STALE_BUTTON, show_alert=True)
        return
    owner, stop = job
    if owner != query.from_user.id:
        await query.answer(ant.OCR_NOT_YOURS, show_alert=True)
        return
    stop.set()
    await query.answer(ant.OCR_STOPPING)


async def ingest_upload(
    update: Update, context: Context, access: Access, *, committee: Committee | None = None
) -> FileOutcome | None:
    """Download the file of this message, store it and index it, showing progress in one
    edited message; the outcome when it was added or updated, None otherwise (explained)."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    name = _safe_name(document.file_name or "tep")
    return await _ingest_received(
        update, context, access, committee, name, document.file_size or 0,
        lambda: _fetch(document.file_id, context, name),
    )  # fmt: skip


async def _ingest_received(
    update: Update,
    context: Context,
    access: Access,
    committee: Committee | None,
    name: str,
    size: int,
    fetch: Callable[[], Awaitable[bytes | None]],
) -> FileOutcome | None:
    shown = html.escape(name)
    fmt = format_of(Path(name))
    if fmt is None:
        await reply(update, context, ant.UPLOAD_UNSUPPORTED.format(name=shown))
        return None
    svc = services(context)
    limit_mb = min(svc.settings.knowledge.max_file_mb, TELEGRAM_DOWNLOAD_MB)
    if fmt == "image":
        limit_mb = min(limit_mb, svc.settings.knowledge.ocr.max_image_mb)
    if size > limit_mb * 2**20:
        text = ant.UPLOAD_TOO_LARGE.format(name=shown, size=size / 2**20, limit=limit_mb)
        await reply(update, context, text)
        return None
    progress = await reply(update, context, ant.UPLOAD_DOWNLOADING.format(name=shown))
    data = await fetch()
    if data is None:
        await _edit(progress, ant.UPLOAD_DOWNLOAD_FAILED.format(name=shown))
        return None
    await _edit(progress, ant.UPLOAD_READING.format(name=shown))
    folder = svc.uploads_dir / _upload_folder(access)
    sender = update.effective_user
    assert sender is not None
    provenance = upload_provenance(access, sender.full_name, committee)
    token = secrets.token_hex(4)
    stop = threading.Event()
    context.bot_data.recognitions[token] = (sender.id, stop)
    try:
        outcome, label = await asyncio.to_thread(
            _ingest,
            svc,
            data,
            name,
            folder,
            provenance,
            _page_progress(progress, token, asyncio.get_running_loop()),
            stop.is_set,
        )
    finally:
        context.bot_data.recognitions.pop(token, None)
    if outcome.status == "failed":
        await _edit(
            progress, ant.UPLOAD_FAILED.format(name=shown, reason=html.escape(outcome.message))
        )
        return None
    if outcome.status == "duplicate":
        # Never the other file's name or folder: it may be another cell's.
        text = ant.UPLOAD_DUPLICATE.format(name=shown, reason=ant.UPLOAD_SAME_CONTENT)
        await _edit(progress, text)
        return None
    if outcome.status == "unchanged":
        await _edit(progress, ant.UPLOAD_UNCHANGED.format(name=shown))
        return None
    shown_label = html.escape(label)
    await _edit(progress, ant.UPLOAD_INDEXING.format(n=outcome.passages, label=shown_label))
    try:
        await asyncio.to_thread(svc.retriever.sync)
    except Exception:
        log.exception("indexing %s failed", name)
        await _edit(progress, ant.UPLOAD_INDEX_FAILED.format(name=shown))
        return None
    done = ant.UPLOAD_ADDED if outcome.status == "added" else ant.UPLOAD_UPDATED
    await _edit(progress, done.format(label=shown_label, n=outcome.passages))
    new_id = outcome.document_id
    if outcome.status == "added" and new_id is not None:
        await _offer_replacement(update, context, new_id)
        if committee is None:
            await _offer_sharing(update, context, access, new_id)
    return outcome


async def _offer_sharing(
    update: Update, context: Context, access: Access, document_id: int
) -> None:
    """A cell secretary who is also their đảng bộ's secretary: the upload may be the đảng bộ's."""
    reader = access.telegram_user_id

    def shareable(session: Session) -> str | None:
        committee = members.committee_secretary_of(session, telegram_user_id=reader)
        cell = session.get(Cell, access.member.cell_id) if access.member else None
        if committee is None or cell is None or cell.committee_id != committee.id:
            return None
        return committee.name

    committee_name = await in_session(context, shareable)
    if committee_name is None:
        return
    label = ant.BTN_DOC_SHARE.format(committee=committee_name)
    markup = keyboard([(label, pack(Action.DOC_SHARE, document_id))])
    text = ant.DOC_SHARE_ASK.format(committee=html.escape(committee_name))
    await reply(update, context, text, markup)


async def share_document(update: Update, context: Context) -> None:
    """📚: a cell's document becomes its đảng bộ's (read by every cell under it)."""
    query = update.callback_query
    assert query is not None
    ids = await button_ids(update, 1)
    if ids is None:
        return
    svc = services(context)
    reader = query.from_user.id
    moved = await in_session(
        context,
        lambda s: library.share_with_committee_as(
            s, reader=reader, admins=svc.admins, document_id=ids[0]
        ),
    )
    if moved is None:
        await query.answer(ant.DOC_NOT_YOURS, show_alert=True)
        return
    await asyncio.to_thread(svc.retriever.refresh_documents)
    await query.answer()
    label, committee_name = moved
    text = ant.DOC_SHARED.format(label=html.escape(label), committee=html.escape(committee_name))
    await _edit_query(query, text)


async def _offer_replacement(update: Update, context: Context, document_id: int) -> None:
    """A new upload with the number and issuer of a document of the same scope: ask whether it
    replaces that one (two documents may share a number: only a person can tell)."""
    olds = await in_session(
        context, lambda s: library.earlier_versions_of(s, document_id=document_id)
    )
    for old_id, citation in olds:
        markup = keyboard(
            [
                (ant.BTN_DOC_REPLACE, pack(Action.DOC_REPLACE, old_id, 1)),
                (ant.BTN_DOC_KEEP_BOTH, pack(Action.DOC_REPLACE, old_id, 0)),
            ]
        )
        text = ant.DOC_REPLACE_ASK.format(old=html.escape(citation))
        await reply(update, context, text, markup)


async def replace_document(update: Update, context: Context) -> None:
    """🔁 / Giữ cả hai, under the question asked after an upload."""
    query = update.callback_query
    assert query is not None
    ids = await button_ids(update, 2)
    if ids is None:
        return
    if ids[1] not in (0, 1):
        await query.answer(ant.STALE_BUTTON, show_alert=True)
        return
    old_id, replace = ids
    svc = services(context)
    reader = query.from_user.id
    if not replace:
        found = await in_session(
            context,
            lambda s: library.managed_document(
                s, reader=reader, admins=svc.admins, document_id=old_id
            ),
        )
        if found is None:
            await query.answer(ant.DOC_NOT_YOURS, show_alert=True)
            return
        await query.answer()
        await _edit_query(query, ant.DOC_KEPT_BOTH)
        return
    removed = await in_session(
        context,
        lambda s: library.remove_as(s, reader=reader, admins=svc.admins, document_id=old_id),
    )
    if removed is None:  # another cell's, or already gone: told apart by nobody
        await query.answer(ant.DOC_NOT_YOURS, show_alert=True)
        return
    await asyncio.to_thread(svc.retriever.sync)
    await query.answer()
    await _edit_query(query, ant.DOC_REPLACED.format(old=html.escape(removed)))


def upload_provenance(
    access: Access, telegram_name: str, committee: Committee | None = None
) -> Provenance:
    """An upload belongs to the uploader's cell (minutes, the cell's resolutions, anything a
    secretary sends, an admin's too if they are a member); an admin with no cell adds shared
    documents. Nobody has checked it yet."""
    member = access.member
    name = member.full_name if member is not None and member.full_name else telegram_name
    if committee is not None and committee.id is not None:  # a đảng bộ secretary's
        return Provenance(
            added_by=name,
            added_by_user=access.telegram_user_id,
            scope=Scope.COMMITTEE,
            scope_id=committee.id,
        )
    if member is not None:
        return Provenance(
            added_by=name,
            added_by_user=access.telegram_user_id,
            scope=Scope.CELL,
            scope_id=member.cell_id,
        )
    return Provenance(added_by=name, added_by_user=access.telegram_user_id)


def _ingest(
    svc: Services,
    data: bytes,
    name: str,
    folder: Path,
    provenance: Provenance,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[FileOutcome, str]:
    """Store the document, then keep its original beside the others; blocking.

    The original is kept under a folder named by its content's hash, so a later file with the
    same name is another document beside it, never a silent replacement of this one (minutes
    of two meetings both named «bien-ban.docx» keep their own texts)."""
    path = stored_path(folder, name, data)
    outcome = svc.ingester.ingest_bytes(
        data,
        file_name=name,
        source=str(path),
        shown=name,
        provenance=provenance,
        progress=progress,
        cancelled=cancelled,
    )
    if outcome.status in ("added", "updated"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    label = name
    if outcome.document_id is not None:
        with Session(svc.engine) as session:
            doc = session.get(Document, outcome.document_id)
            if doc is not None:
                label = f"{doc.doc_type} {doc.number}" if doc.number else f"«{doc.title}»"
    return outcome, label


def _page_progress(message: Message, token: str, loop: asyncio.AbstractEventLoop) -> Progress:
    """A progress callback for the worker thread: «Đang nhận dạng trang 3/12…» with ⛔ Dừng,
    edited at most every PROGRESS_SECONDS (Telegram limits edits) and on the first page."""
    last = [0.0]
    stop_button = keyboard([(ant.BTN_OCR_STOP, pack(Action.OCR_STOP, token))])

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or (done and now - last[0] < PROGRESS_SECONDS):
            return
        last[0] = now
        text = ant.OCR_PAGE.format(page=done + 1, total=total)
        asyncio.run_coroutine_threadsafe(_edit(message, text, stop_button), loop)

    return report


async def _edit(progress: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Progress is shown by editing one message."""
    try:
        await progress.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        log.info("progress edit refused: %s", exc)


def stored_path(folder: Path, name: str, data: bytes) -> Path:
    """Where an upload's original is kept: ``<folder>/<first 16 hex of its SHA-256>/<name>``."""
    return (folder / hashlib.sha256(data).hexdigest()[:16] / name).resolve()


def _safe_name(name: str, limit: int = MAX_NAME_CHARS) -> str:
    """A file name that cannot climb out of the uploads folder, at most ``limit`` characters,
    its extension kept when it is shortened (so its format is still recognised)."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", base) or "tep"
    if len(base) <= limit:
        return base
    suffix = Path(base).suffix
    if not suffix or len(suffix) > 10:
        return base[:limit]
    return base[: limit - len(suffix)].rstrip(" .") + suffix


def _upload_folder(access: Access) -> str:
    return f"cell-{access.member.cell_id}" if access.member else "admin"


async def _import_roster(update: Update, context: Context, access: Access, name: str) -> None:
    """A roster sheet: new members are added at once; changes to members already there are
    shown first (who, which field, old → new) and applied only when the secretary confirms."""
    message = update.effective_message
    assert message is not None and message.document is not None
    if access.member is None or not access.member.is_secretary:
        await reply(update, context, mbt.ROSTER_NO_CELL)
        return
    size = message.document.file_size or 0
    if size > ROSTER_MAX_MB * 2**20:
        text = ant.UPLOAD_TOO_LARGE.format(
            name=html.escape(name), size=size / 2**20, limit=ROSTER_MAX_MB
        )
        await reply(update, context, text)
        return
    data = await _fetch(message.document.file_id, context, name)
    if data is None:
        await reply(update, context, ant.UPLOAD_DOWNLOAD_FAILED.format(name=html.escape(name)))
        return
    try:
        parsed = await asyncio.to_thread(parse_roster, data, name)
    except RosterError as exc:
        await reply(
            update, context, ant.UPLOAD_FAILED.format(name=html.escape(name), reason=str(exc))
        )
        return
    who = actor(update, context)

    def preview(session: Session) -> tuple[int, members.RosterPlan, str]:
        cell_id, plan = members.preview_roster(session, actor=who, rows=parsed.rows)
        cell = session.get(Cell, cell_id)
        return cell_id, plan, cell.name if cell else ""

    found = await decided(update, context, preview, MembershipError)
    if found is REFUSED:
        return
    cell_id, plan, cell = found
    problems = _roster_problems(parsed.errors, plan)
    if not plan.changes:  # only new members: nothing anyone had is overwritten
        await _apply_roster(update, context, cell_id, parsed.rows, plan, cell, problems)
        return
    assert context.user_data is not None
    token = secrets.token_hex(4)
    context.user_data.roster_draft = (token, cell_id, parsed.rows, plan, cell, problems)
    lines = [
        mbt.ROSTER_PREVIEW.format(
            cell=html.escape(cell), created=len(plan.created), updated=len(plan.updated)
        ),
        "",
        mbt.ROSTER_CHANGES,
    ]
    for change in plan.changes[:ROSTER_CHANGES_SHOWN]:
        lines.append(
            mbt.ROSTER_CHANGE_LINE.format(
                name=html.escape(change.name),
                field=ROSTER_FIELDS[change.field],
                old=html.escape(roster_value(change.old)),
                new=html.escape(roster_value(change.new)),
            )
        )
    if len(plan.changes) > ROSTER_CHANGES_SHOWN:
        lines.append("…")
    lines += [*problems, "", mbt.ROSTER_CONFIRM]
    buttons = keyboard(
        [
            (mbt.BTN_ROSTER_APPLY, pack(Action.ROSTER, token, "ok")),
            (mbt.BTN_ROSTER_CANCEL, pack(Action.ROSTER, token, "no")),
        ]
    )
    await reply(update, context, "\n".join(lines), buttons)


def _roster_problems(errors: list[tuple[int, str]], plan: members.RosterPlan) -> list[str]:
    """Rows that could not be read, and rows that could be either of two members."""
    lines: list[str] = []
    if plan.ambiguous:
        lines += ["", mbt.ROSTER_AMBIGUOUS.format(n=len(plan.ambiguous))]
        for row, who in plan.ambiguous[:ROSTER_ERRORS_SHOWN]:
            lines.append(
                mbt.ROSTER_AMBIGUOUS_LINE.format(
                    line=row.line, name=html.escape(row.full_name), who=html.escape(" / ".join(who))
                )
            )
    if errors:
        lines += ["", mbt.ROSTER_ERRORS.format(n=len(errors))]
        for line, reason in errors[:ROSTER_ERRORS_SHOWN]:
            lines.append(mbt.ROSTER_ERROR_LINE.format(line=line, reason=html.escape(reason)))
        if len(errors) > ROSTER_ERRORS_SHOWN:
            lines.append("…")
    return lines


async def _apply_roster(
    update: Update,
    context: Context,
    cell_id: int,
    rows: list[RosterRow],
    plan: members.RosterPlan,
    cell: str,
    problems: list[str],
) -> None:
    who = actor(update, context)
    report = await decided(
        update,
        context,
        lambda s: members.apply_roster(s, actor=who, cell_id=cell_id, rows=rows, shown=plan),
        MembershipError,
    )
    if report is REFUSED:
        return
    done = mbt.ROSTER_DONE.format(
        cell=html.escape(cell), created=len(report.created), updated=len(report.updated)
    )
    await reply(update, context, "\n".join([done, *problems]))


async def confirm_roster(update: Update, context: Context) -> None:
    """«✅ Áp dụng» / «Hủy» under a roster preview: only the secretary who sent the sheet has
    it; a cancelled import changes nothing."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    unpacked = unpack(query.data)
    draft = context.user_data.roster_draft
    if draft is None or not unpacked or len(unpacked[1]) != 2 or unpacked[1][0] != draft[0]:
        await query.answer(mbt.ROSTER_EXPIRED, show_alert=True)
        return
    context.user_data.roster_draft = None  # claimed, with no await since the check
    await query.answer()
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)
    _token, cell_id, rows, plan, cell, problems = draft
    if unpacked[1][1] != "ok":
        await reply(update, context, mbt.ROSTER_CANCELLED)
        return
    await _apply_roster(update, context, cell_id, rows, plan, cell, problems)
