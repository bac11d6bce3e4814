"""Runs a project's Python test suite inside Pyodide and reports each case as JSON.

Loaded once per interpreter by sandbox/python/index.ts; `run(config_json, emit)` is
called once per run. `emit` receives one JSON text per progress message (file-start,
case, file-end) and `run` returns the report's JSON. Everything the project's code
says about itself (names, messages) is data: it is only ever put into JSON strings.

The suite runs under pytest when the project asks for it (a test file imports pytest,
a conftest.py or a pytest configuration, or plain `test_*` functions outside a
unittest.TestCase) and pytest is installed; otherwise under unittest. Without pytest a
suite that needs it is reported as not runnable, never as passed.
"""

import ast
import builtins
import importlib
import io
import json
import os
import sys
import time
import traceback
import types
import unittest

ROOT = "/home/pyodide/project"
MESSAGE_CAP = 4000
STACK_CAP = 8000
SKIPPED_DIRS = {"__pycache__", "node_modules", "venv", ".venv", "env", ".git", ".tox", "build", "dist"}

_baseline_modules = set(sys.modules)
_baseline_path = list(sys.path)
_baseline_builtins = dict(builtins.__dict__)
_baseline_environ = dict(os.environ)
_pytest_available = None


# --- the project's files -------------------------------------------------------------


def _reset():
    """Forgets the previous run: its modules, paths, environment and files."""
    for name in list(sys.modules):
        if name in _baseline_modules:
            continue
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None) or ""
        # The project's own modules, and any it made up, are imported afresh next time;
        # the standard library and pytest (under /lib) and built-in modules stay loaded.
        if path.startswith("/lib/") or (not path and name in sys.builtin_module_names):
            continue
        del sys.modules[name]
    sys.path[:] = _baseline_path
    for key in list(builtins.__dict__):
        if key not in _baseline_builtins:
            del builtins.__dict__[key]
    builtins.__dict__.update(_baseline_builtins)
    os.environ.clear()
    os.environ.update(_baseline_environ)
    os.chdir("/")
    _remove_tree(ROOT)
    importlib.invalidate_caches()


def _remove_tree(path):
    if not os.path.exists(path):
        return
    for entry in os.scandir(path):
        if entry.is_dir(follow_symlinks=False):
            _remove_tree(entry.path)
        else:
            os.unlink(entry.path)
    os.rmdir(path)


def _write_files(files):
    os.makedirs(ROOT, exist_ok=True)
    for item in files:
        relative = item["path"]
        full = os.path.normpath(os.path.join(ROOT, relative))
        if not full.startswith(ROOT + "/"):
            continue  # The engine only sends safe project paths; refuse anything else anyway.
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as handle:
            handle.write(item["content"])


def _project_paths(files):
    return sorted(item["path"] for item in files if os.path.normpath(os.path.join(ROOT, item["path"])).startswith(ROOT + "/"))


def _is_test_file(path):
    parts = path.split("/")
    if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts[:-1]):
        return False
    name = parts[-1]
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py") or name == "tests.py")


def _relative(filename):
    if filename and filename.startswith(ROOT + "/"):
        return filename[len(ROOT) + 1 :]
    return None


# --- which runner ----------------------------------------------------------------------


def _pytest_installed():
    global _pytest_available
    if _pytest_available is None:
        _pytest_available = importlib.util.find_spec("pytest") is not None
    return _pytest_available


def _wants_pytest(paths, test_files):
    """Whether the suite is written for pytest (its runner, fixtures or plain test functions)."""
    names = set(paths)
    if "pytest.ini" in names or any(path.endswith("conftest.py") for path in paths):
        return "it has a pytest configuration (conftest.py or pytest.ini)"
    for config in ("pyproject.toml", "setup.cfg", "tox.ini"):
        if config in names and _read(config).find("pytest") >= 0 and (
            "[tool.pytest" in _read(config) or "[pytest]" in _read(config) or "[tool:pytest]" in _read(config)
        ):
            return f"{config} configures pytest"
    for path in test_files:
        try:
            tree = ast.parse(_read(path), filename=path)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "pytest" for alias in node.names):
                return f"{path} imports pytest"
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "pytest":
                return f"{path} imports pytest"
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                return f"{path} has test functions outside a unittest.TestCase ({node.name})"
            if isinstance(node, ast.ClassDef) and node.name.startswith("Test") and not node.bases:
                return f"{path} has a pytest-style test class ({node.name})"
    return None


def _read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        return handle.read()


# --- failures ------------------------------------------------------------------------


def _location(tb_or_frames, fallback=None):
    """The deepest frame in a project file: {path, line, column?}."""
    frames = tb_or_frames if isinstance(tb_or_frames, list) else traceback.extract_tb(tb_or_frames)
    for frame in reversed(frames):
        path = _relative(frame.filename)
        if path is not None and frame.lineno:
            location = {"path": path, "line": frame.lineno}
            if getattr(frame, "colno", None) is not None:
                location["column"] = frame.colno + 1
            return location
    return fallback


def _syntax_location(error):
    path = _relative(getattr(error, "filename", None) or "")
    if path is None or not getattr(error, "lineno", None):
        return None
    location = {"path": path, "line": error.lineno}
    if getattr(error, "offset", None):
        location["column"] = error.offset
    return location


def _stack(exc_type, exc, tb):
    """The traceback with project files named by their project path, unittest's own frames dropped."""
    text = "".join(traceback.format_exception(exc_type, exc, _project_tb(tb)))
    return _cap(text.replace(ROOT + "/", ""), STACK_CAP)


def _project_tb(tb):
    # unittest marks its own frames with `__unittest`; skip them as its own runner does.
    while tb is not None and "__unittest" in tb.tb_frame.f_globals:
        tb = tb.tb_next
    return tb


def _message(exc_type, exc):
    text = "".join(traceback.format_exception_only(exc_type, exc)).strip()
    return _cap(text.replace(ROOT + "/", ""), MESSAGE_CAP)


def _cap(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _MissingModules:
    """Modules the project imports that are neither its own nor available here."""

    def __init__(self, paths):
        self.names = []
        tops = set()
        for path in paths:
            first = path.split("/")[0]
            tops.add(first[:-3] if first.endswith(".py") else first)
            if path.startswith("src/"):
                second = path.split("/")[1] if path.count("/") >= 1 else ""
                tops.add(second[:-3] if second.endswith(".py") else second)
        self.project_tops = tops

    def see(self, exc):
        """Notes `exc` if it is a ModuleNotFoundError for a module the project does not have."""
        while exc is not None:
            if isinstance(exc, ModuleNotFoundError) and exc.name:
                top = exc.name.split(".")[0]
                if top not in self.project_tops:
                    if top not in self.names:
                        self.names.append(top)
                    return True
            exc = exc.__cause__ or exc.__context__
        return False

    def reason(self):
        if not self.names:
            return None
        quoted = ", ".join(f"'{name}'" for name in self.names)
        kind = "module" if len(self.names) == 1 else "modules"
        stdlib = [name for name in self.names if name in sys.stdlib_module_names]
        where = (
            "a part of Python's standard library that the in-browser Python (Pyodide) does not include"
            if stdlib and len(stdlib) == len(self.names)
            else "not part of the project, and the in-browser Python (Pyodide) cannot install packages"
        )
        return f"The project imports the {kind} {quoted}, {where}; run it locally after installing its dependencies."


# --- unittest ------------------------------------------------------------------------


def _case_name(test):
    """["Class", "method"] for a TestCase; the description for anything else."""
    if isinstance(test, unittest.TestCase):
        return [type(test).__qualname__, test._testMethodName]
    return [str(test)]


class _Result(unittest.TestResult):
    def __init__(self, file, report, missing):
        super().__init__()
        self.file = file
        self.report = report
        self.missing = missing
        self.started = {}
        self.failed_subtests = set()

    def startTest(self, test):
        super().startTest(test)
        self.started[id(test)] = time.perf_counter()

    def _elapsed(self, test):
        start = self.started.get(id(test))
        return 0.0 if start is None else (time.perf_counter() - start) * 1000

    def _add(self, test, status, err=None, extra_name=None, message=None):
        case = {"file": self.file, "name": _case_name(test), "status": status, "durationMs": round(self._elapsed(test), 3)}
        if extra_name is not None:
            case["name"] = case["name"] + [extra_name]
        if err is not None:
            exc_type, exc, tb = err
            if self.missing.see(exc):
                status = case["status"] = "error"
            case["message"] = _message(exc_type, exc)
            case["stack"] = _stack(exc_type, exc, tb)
            location = _location(tb)
            if location:
                case["location"] = location
        elif message is not None:
            case["message"] = _cap(message, MESSAGE_CAP)
        self.report(case)

    def addSuccess(self, test):
        super().addSuccess(test)
        if id(test) not in self.failed_subtests:
            self._add(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._add(test, "fail", err)

    def addError(self, test, err):
        super().addError(test, err)
        if isinstance(test, unittest.TestCase):
            self._add(test, "error", err)
        else:  # setUpClass / setUpModule failures come as an _ErrorHolder.
            self._add(test, "error", err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._add(test, "skip", message=reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._add(test, "todo", message="expected failure: " + _message(err[0], err[1]))

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._add(test, "fail", message="Unexpected success: the test is marked as an expected failure but passed.")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.failed_subtests.add(id(test))
            failed = issubclass(err[0], test.failureException)
            self._add(test, "fail" if failed else "error", err, extra_name=subtest._subDescription())


def _module_name(path):
    return path[:-3].replace("/", ".")


def _run_unittest(test_files, emit_case, emit, missing):
    files = []
    loader = unittest.TestLoader()
    for index, path in enumerate(test_files):
        emit({"type": "file-start", "file": path, "index": index, "total": len(test_files)})
        started = time.perf_counter()
        cases = []

        def report(case, cases=cases):
            cases.append(case)
            emit_case(case)

        result_entry = {"file": path}
        try:
            module = importlib.import_module(_module_name(path))
        except SyntaxError as error:
            result_entry.update(status="error", message=_message(type(error), error))
            location = _syntax_location(error)
            if location:
                result_entry["location"] = location
        except BaseException as error:  # noqa: BLE001 - a file that cannot load is reported, whatever it raised
            if isinstance(error, (KeyboardInterrupt, SystemExit)) and not isinstance(error, SystemExit):
                raise
            missing.see(error)
            result_entry.update(status="error", message=_message(type(error), error))
            location = _location(error.__traceback__)
            if location:
                result_entry["location"] = location
        else:
            suite = loader.loadTestsFromModule(module)
            result = _Result(path, report, missing)
            suite.run(result)
            for error in loader.errors:
                result_entry.setdefault("message", _cap(error, MESSAGE_CAP))
            loader.errors.clear()
            statuses = {case["status"] for case in cases}
            if "fail" in statuses or "error" in statuses:
                result_entry["status"] = "fail"
            elif cases and statuses == {"skip"}:
                result_entry["status"] = "skip"
            else:
                result_entry["status"] = "pass"
        _flush()
        result_entry["durationMs"] = round((time.perf_counter() - started) * 1000, 3)
        emit({"type": "file-end", "result": result_entry})
        files.append(result_entry)
    return files


# --- pytest --------------------------------------------------------------------------


def _nodeid_parts(nodeid):
    parts = nodeid.split("::")
    return parts[0], parts[1:] or [parts[0]]


class _PytestReporter:
    """A pytest plugin that turns its reports into our cases, files and progress."""

    def __init__(self, test_files, emit_case, emit, missing):
        self.test_files = test_files
        self.emit_case = emit_case
        self.emit = emit
        self.missing = missing
        self.files = {}
        self.order = []
        self.current = None
        self.started = {}
        self.case_by_nodeid = {}

    def _file(self, path):
        entry = self.files.get(path)
        if entry is None:
            entry = {"file": path, "status": "pass", "durationMs": 0.0, "_cases": 0, "_skips": 0}
            self.files[path] = entry
            self.order.append(path)
        return entry

    def _enter(self, path):
        if self.current == path:
            return
        if self.current is not None:
            self._leave()
        self.current = path
        self.started[path] = time.perf_counter()
        index = self.test_files.index(path) if path in self.test_files else len(self.order)
        self.emit({"type": "file-start", "file": path, "index": index, "total": len(self.test_files)})
        self._file(path)

    def _leave(self):
        path = self.current
        if path is None:
            return
        self.current = None
        entry = self._file(path)
        entry["durationMs"] = round((time.perf_counter() - self.started.get(path, time.perf_counter())) * 1000, 3)
        _flush()
        self.emit({"type": "file-end", "result": _public(entry)})

    def pytest_collectreport(self, report):
        if report.failed:
            path = report.nodeid.split("::")[0] or "(collection)"
            self._enter(path)
            entry = self._file(path)
            entry["status"] = "error"
            excinfo = getattr(report, "_orchestra_excinfo", None)
            message, location = _collect_failure(report, excinfo, self.missing)
            entry["message"] = message
            if location:
                entry["location"] = location
            self._leave()

    def pytest_runtest_logstart(self, nodeid, location):
        path, _ = _nodeid_parts(nodeid)
        self._enter(path)

    def pytest_runtest_logreport(self, report):
        path, name = _nodeid_parts(report.nodeid)
        case = self.case_by_nodeid.get(report.nodeid)
        if case is None:
            case = {"file": path, "name": name, "status": "pass", "durationMs": 0.0}
            self.case_by_nodeid[report.nodeid] = case
        case["durationMs"] = round(case["durationMs"] + report.duration * 1000, 3)
        if report.when == "call" or report.outcome != "passed":
            status, message = _pytest_status(report)
            # A failure in setup or teardown is an error; a later phase never hides an earlier one.
            if case["status"] in ("pass",) or status in ("fail", "error"):
                if report.when != "call" and status == "fail":
                    status = "error"
                if not (case["status"] in ("fail", "error") and status in ("pass", "skip")):
                    case["status"] = status
                    if message:
                        case["message"] = message
            excinfo = getattr(report, "_orchestra_excinfo", None)
            if report.failed and excinfo is not None:
                self.missing.see(excinfo.value)
                case["stack"] = _cap(str(report.longrepr).replace(ROOT + "/", ""), STACK_CAP)
                location = _location(_project_frames(excinfo))
                if location:
                    case["location"] = location
            elif report.failed:
                case["stack"] = _cap(str(report.longrepr).replace(ROOT + "/", ""), STACK_CAP)
        if report.when == "teardown":
            entry = self._file(path)
            entry["_cases"] += 1
            if case["status"] in ("fail", "error") and entry["status"] != "error":
                entry["status"] = "fail"
            if case["status"] == "skip":
                entry["_skips"] += 1
            self.emit_case(case)

    def finish(self):
        self._leave()
        files = []
        for path in self.order:
            entry = self.files[path]
            if entry["status"] == "pass" and entry["_cases"] and entry["_skips"] == entry["_cases"]:
                entry["status"] = "skip"
            files.append(_public(entry))
        return files


def _public(entry):
    return {key: value for key, value in entry.items() if not key.startswith("_")}


def _pytest_status(report):
    if report.outcome == "passed":
        if hasattr(report, "wasxfail"):
            return "todo", "expected to fail, but passed: " + str(report.wasxfail or "")
        return "pass", None
    if report.outcome == "skipped":
        if hasattr(report, "wasxfail"):
            return "todo", _cap("expected failure: " + str(report.wasxfail or ""), MESSAGE_CAP)
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        return "skip", _cap(reason.replace("Skipped: ", "", 1), MESSAGE_CAP)
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash is not None else str(report.longrepr)
    excinfo = getattr(report, "_orchestra_excinfo", None)
    status = "fail" if excinfo is not None and isinstance(excinfo.value, AssertionError) else "error"
    if excinfo is None and crash is not None and message.startswith("AssertionError"):
        status = "fail"
    if excinfo is None and crash is not None and message.startswith("assert"):
        status = "fail"
    return status, _cap(message.replace(ROOT + "/", ""), MESSAGE_CAP)


def _project_frames(excinfo):
    return traceback.extract_tb(excinfo.tb)


def _collect_failure(report, excinfo, missing):
    if excinfo is not None:
        error = excinfo.value
        missing.see(error)
        if isinstance(error, SyntaxError):
            return _message(type(error), error), _syntax_location(error)
        cause = error
        # pytest wraps an import failure in its own error; the cause names the real problem.
        while cause.__cause__ is not None or cause.__context__ is not None:
            cause = cause.__cause__ or cause.__context__
            missing.see(cause)
            if isinstance(cause, SyntaxError):
                return _message(type(cause), cause), _syntax_location(cause)
        location = _location(_project_frames(excinfo)) or _location(traceback.extract_tb(cause.__traceback__))
        return _cap(str(report.longrepr).replace(ROOT + "/", ""), MESSAGE_CAP), location
    return _cap(str(report.longrepr).replace(ROOT + "/", ""), MESSAGE_CAP), None


def _make_keeper(pytest):
    class Keeper:
        # The terminal plugin is off (its report is ours to make), but pytest's own code
        # reads the options it would have added.
        def pytest_addoption(self, parser):
            group = parser.getgroup("orchestra")
            group.addoption("--orchestra-verbosity", dest="verbose", type=int, default=0)
            group.addoption("--orchestra-tb", dest="tbstyle", default="auto")
            group.addoption("--orchestra-showlocals", dest="showlocals", action="store_true", default=False)
            group.addoption("--orchestra-reportchars", dest="reportchars", default="")
            group.addoption("--orchestra-color", dest="color", default="no")

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(self, item, call):
            outcome = yield
            report = outcome.get_result()
            if call.excinfo is not None:
                report._orchestra_excinfo = call.excinfo

        @pytest.hookimpl(hookwrapper=True)
        def pytest_make_collect_report(self, collector):
            outcome = yield
            report = outcome.get_result()
            if report.failed:
                report._orchestra_excinfo = _collect_excinfo(collector)

    return Keeper()


def _collect_excinfo(collector):
    """The exception a collector raised, got by collecting again (collect reports keep only text)."""
    import _pytest._code

    try:
        collector.collect()
    except BaseException:  # noqa: BLE001 - whatever failed the collection
        return _pytest._code.ExceptionInfo.from_current()
    return None


def _install_pytest_compat():
    """pytest < 7.4 builds ast.Str/Num/NameConstant nodes, which Python 3.12+ removed; lend it those names."""
    import ast as real_ast

    if hasattr(real_ast, "Str"):
        return

    class _Legacy(type):
        def __instancecheck__(cls, instance):
            return isinstance(instance, real_ast.Constant) and isinstance(instance.value, cls._types)

    def legacy(name, kinds):
        def new(cls, *args, **kwargs):
            return real_ast.Constant(*args, **kwargs)

        return _Legacy(name, (), {"_types": kinds, "__new__": new})

    shim = types.ModuleType("ast")
    shim.__dict__.update(real_ast.__dict__)
    shim.Str = legacy("Str", (str,))
    shim.Num = legacy("Num", (int, float, complex))
    shim.Bytes = legacy("Bytes", (bytes,))
    shim.NameConstant = legacy("NameConstant", (bool, type(None)))
    import _pytest.assertion.rewrite as rewrite
    import _pytest.mark.expression as expression

    rewrite.ast = shim
    expression.ast = shim


def _run_pytest(test_files, emit_case, emit, missing):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # Old pluggy's `return` in `finally`, on Python 3.14.
        import pytest
    _install_pytest_compat()
    reporter = _PytestReporter(test_files, emit_case, emit, missing)
    # A file that fails to collect is reported, and the others still run.
    args = ["-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:faulthandler", "-s", "--rootdir", ROOT]
    args += ["--continue-on-collection-errors"]
    args += test_files
    exit_code = pytest.main(args, plugins=[_make_keeper(pytest), reporter])
    files = reporter.finish()
    return files, int(exit_code)


# --- output --------------------------------------------------------------------------


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - the project may have replaced the stream
            pass


# --- the run -------------------------------------------------------------------------


def run(config_json, emit_json):
    """Runs one check request; returns the report's JSON (outcome, reason, files, cases, command)."""
    config = json.loads(config_json)

    def emit(message):
        emit_json(json.dumps(message))

    cases = []

    def emit_case(case):
        cases.append(case)
        emit({"type": "case", "case": case})

    _reset()
    _write_files(config["files"])
    paths = _project_paths(config["files"])
    requested = config.get("testFiles")
    if requested is not None:
        test_files = [path for path in requested if path in set(paths) and path.endswith(".py")]
    else:
        test_files = [path for path in paths if _is_test_file(path)]
    os.chdir(ROOT)
    sys.path.insert(0, ROOT)
    if os.path.isdir(os.path.join(ROOT, "src")):
        sys.path.insert(1, os.path.join(ROOT, "src"))
    importlib.invalidate_caches()

    wants = _wants_pytest(paths, test_files)
    command = "python -m pytest" if wants else "python -m unittest"
    if not test_files:
        return json.dumps(
            {
                "outcome": "not-runnable",
                "reason": "The project has no Python test files (test_*.py or *_test.py) to run.",
                "files": [],
                "cases": [],
                "command": command,
            }
        )
    if wants and not _pytest_installed():
        return json.dumps(
            {
                "outcome": "not-runnable",
                "reason": f"The suite needs pytest ({wants}), and this build of the app does not include it.",
                "files": [],
                "cases": [],
                "command": command,
            }
        )

    missing = _MissingModules(paths)
    emit({"type": "phase", "phase": "running", "detail": command})
    if wants:
        files, exit_code = _run_pytest(test_files, emit_case, emit, missing)
        outcome, reason = "completed", None
        if exit_code in (3, 4):  # internal error, usage error: pytest itself could not run
            outcome, reason = "crashed", f"pytest stopped with exit code {exit_code} before it could run the suite."
    else:
        files = _run_unittest(test_files, emit_case, emit, missing)
        outcome, reason = "completed", None
    _flush()
    if missing.reason():
        outcome, reason = "not-runnable", missing.reason()
    report = {"outcome": outcome, "files": files, "cases": cases, "command": command}
    if reason:
        report["reason"] = reason
    return json.dumps(report)
