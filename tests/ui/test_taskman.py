"""The task manager: one writer in order, results on the GUI thread, errors sorted and shown."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from clerk_app.services.intake.intake_form import IntakeForm
from clerk_app.services.supervision.accounts import AccountError
from clerk_app.ui.errors import ErrorReporter, ProgramErrorDialog, safe_traceback
from clerk_app.ui.intake import draft_keeper
from clerk_app.ui.intake.draft_keeper import DraftSlot
from clerk_app.ui.taskman import TaskManager


@pytest.fixture
def taskman(qtbot: QtBot) -> Any:
    manager = TaskManager(ErrorReporter())
    yield manager
    manager.shutdown()
    for dialog in manager.reporter.open_dialogs:  # top-level boxes: not left for later tests
        dialog.close()
        dialog.deleteLater()


def test_writes_run_in_order_on_one_thread_and_return_on_the_gui_thread(
        qtbot: QtBot, taskman: TaskManager) -> None:
    threads: set[str] = set()
    done: list[int] = []
    delivered_on: set[int] = set()

    def job(n: int) -> int:
        threads.add(threading.current_thread().name)
        time.sleep(0.002 * (5 - n))
        return n

    def finished(n: int) -> None:
        done.append(n)
        delivered_on.add(threading.get_ident())

    for n in range(5):
        taskman.write(lambda n=n: job(n), on_success=finished, context="test")
    assert not taskman.idle()
    qtbot.waitUntil(taskman.idle)
    assert done == [0, 1, 2, 3, 4]
    assert len(threads) == 1
    assert delivered_on == {threading.get_ident()}


def test_user_error_goes_to_the_caller_or_a_message(qtbot: QtBot, taskman: TaskManager) -> None:
    seen: list[Exception] = []

    def fail() -> None:
        raise AccountError("用户名或密码不正确")

    taskman.write(fail, on_error=seen.append, context="登录")
    qtbot.waitUntil(taskman.idle)
    assert [str(e) for e in seen] == ["用户名或密码不正确"]
    assert taskman.reporter.program_errors == 0
    taskman.write(fail, context="登录")
    qtbot.waitUntil(taskman.idle)
    boxes = taskman.reporter.open_dialogs
    assert len(boxes) == 1 and "用户名或密码不正确" in boxes[0].text()  # type: ignore[attr-defined]
    assert taskman.reporter.program_errors == 0


def test_then_runs_after_success_and_after_a_failure_shown_as_usual(
        qtbot: QtBot, taskman: TaskManager) -> None:
    order: list[str] = []

    def fail() -> None:
        raise AccountError("用户名或密码不正确")

    taskman.write(lambda: 1, on_success=lambda _n: order.append("success"), context="保存",
                  then=lambda: order.append("then"))
    taskman.write(fail, context="登录", then=lambda: order.append("then after failure"))
    qtbot.waitUntil(taskman.idle)
    assert order == ["success", "then", "then after failure"]
    boxes = taskman.reporter.open_dialogs  # the user error is shown as without `then`
    assert len(boxes) == 1 and "用户名或密码不正确" in boxes[0].text()  # type: ignore[attr-defined]


def test_program_error_is_logged_and_shown_and_work_goes_on(
        qtbot: QtBot, taskman: TaskManager, caplog: pytest.LogCaptureFixture) -> None:
    from sqlalchemy.exc import IntegrityError

    params = {"name": "张秀英"}

    def broken() -> None:
        raise IntegrityError("INSERT INTO applicants", params, Exception("UNIQUE"))

    cleaned: list[Exception] = []
    with caplog.at_level(logging.ERROR):
        taskman.write(broken, on_error=cleaned.append, context="确认受理决定")
        taskman.write(lambda: 42, on_success=cleaned.append, context="next")  # type: ignore[arg-type]
        qtbot.waitUntil(taskman.idle)
    assert taskman.reporter.program_errors == 1
    assert isinstance(taskman.reporter.open_dialogs[0], ProgramErrorDialog)
    assert cleaned[1] == 42  # the writer carried on
    assert "确认受理决定" in caplog.text
    assert "张秀英" not in caplog.text  # database parameters never reach the log
    assert "message withheld" in safe_traceback(cleaned[0])


def test_a_failing_callback_is_reported_not_fatal(qtbot: QtBot, taskman: TaskManager) -> None:
    def bad_callback(_value: int) -> None:
        raise RuntimeError("bug in a slot")

    taskman.read(lambda: 1, on_success=bad_callback, context="刷新今日办件")
    qtbot.waitUntil(taskman.idle)
    assert taskman.reporter.program_errors == 1


class _RecordingIntake:
    def __init__(self) -> None:
        self.saved: list[tuple[int, int]] = []
        self.gate = threading.Event()

    def save_draft(self, draft_id: int, form: IntakeForm, revision: int) -> bool:
        self.gate.wait(5)
        self.saved.append((draft_id, revision))
        return True


def test_stale_draft_saves_are_dropped(qtbot: QtBot, taskman: TaskManager) -> None:
    intake = _RecordingIntake()
    slot = DraftSlot()
    taskman.write(lambda: draft_keeper.adopt(slot, 7, lambda _id: 40), context="恢复草稿")
    form = IntakeForm("X", 1)
    for _ in range(5):
        revision = slot.next_revision()
        taskman.write(lambda r=revision: draft_keeper.save(slot, intake, form, r),  # type: ignore[arg-type]
                      context="保存草稿")
    intake.gate.set()
    qtbot.waitUntil(taskman.idle)
    assert intake.saved == [(7, 45)]  # only the newest, numbered above the stored revision 40
    assert not slot.pending
