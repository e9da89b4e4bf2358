"""Sandbox: no fs, child processes, workers or network unless granted (with and without a snapshot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from v8snap.embed import JsError, Runtime, RuntimeOptions

READ_HOSTNAME = "require_('fs').readFileSync('/etc/hostname', 'utf8')"


def _expr(code: str) -> str:
    return "(() => { const require_ = process.getBuiltinModule; return " + code + "; })()"


def test_reading_etc_hostname_is_denied(runtime: Runtime) -> None:
    with pytest.raises(JsError) as info:
        runtime.eval(_expr(READ_HOSTNAME))
    assert info.value.js_code == "ERR_ACCESS_DENIED"


def test_spawning_a_process_is_denied(runtime: Runtime) -> None:
    with pytest.raises(JsError) as info:
        runtime.eval(_expr("require_('child_process').execSync('true')"))
    assert info.value.js_code == "ERR_ACCESS_DENIED"


def test_worker_threads_are_denied(runtime: Runtime) -> None:
    with pytest.raises(JsError) as info:
        runtime.eval(_expr("new (require_('worker_threads').Worker)('0', {eval: true})"))
    assert info.value.js_code == "ERR_ACCESS_DENIED"


def test_writing_files_is_denied(runtime: Runtime, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(JsError):
        runtime.eval(_expr(f"require_('fs').writeFileSync({str(target)!r}, 'x')"))
    assert not target.exists()


def test_network_builtins_hidden(runtime: Runtime) -> None:
    for name in ("net", "http", "node:https", "dgram", "tls"):
        with pytest.raises(JsError) as info:
            runtime.eval(_expr(f"require_({name!r})"))
        assert info.value.js_code == "ERR_ACCESS_DENIED"
    assert runtime.eval("typeof fetch") == "undefined"
    with pytest.raises(JsError):
        runtime.eval("process.binding('tcp_wrap')")


def test_module_require_of_network_is_denied(blob: bytes) -> None:
    from v8snap.embed import Module

    mod = Module("net_user.js", "exports.connect = () => require('net').connect(80, 'example.com')")
    with Runtime(RuntimeOptions(startup_snapshot=blob), modules=[mod]) as rt, pytest.raises(JsError) as info:
        rt.call_function("net_user.js", "connect")
    assert info.value.js_code == "ERR_ACCESS_DENIED"


def test_grants(blob: bytes, tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("granted")
    opts = RuntimeOptions(
        startup_snapshot=blob,
        allow_fs=[tmp_path],
        allow_child_process=True,
        allow_net=True,
        env={"GREETING": "hi"},
        cwd=tmp_path,
    )
    with Runtime(opts) as rt:
        assert (
            rt.eval(_expr(f"require_('fs').readFileSync({str(tmp_path / 'in.txt')!r}, 'utf8')")) == "granted"
        )
        rt.eval(_expr(f"require_('fs').writeFileSync({str(tmp_path / 'out.txt')!r}, 'w')"))
        assert (tmp_path / "out.txt").read_text() == "w"
        with pytest.raises(JsError):
            rt.eval(_expr(READ_HOSTNAME))  # only the granted directory
        assert (
            rt.eval(_expr("require_('child_process').execFileSync('/bin/echo', ['x']).toString()")) == "x\n"
        )
        assert rt.eval(_expr("typeof require_('net').connect")) == "function"
        assert rt.eval("typeof fetch") == "function"
        assert rt.eval("process.env.GREETING") == "hi"
        assert rt.eval("process.cwd()") == str(tmp_path)


def test_environment_is_empty_by_default(runtime: Runtime) -> None:
    assert runtime.eval("Object.keys(process.env)") == []


def _exec_environ(pid: int) -> dict[str, str]:
    """The environment a process was exec'd with (``/proc/PID/environ``: the block ld.so read)."""
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def test_huge_pages_reach_malloc_but_not_user_code(blob: bytes) -> None:
    with Runtime(RuntimeOptions(startup_snapshot=blob)) as rt:
        assert rt.pid is not None
        assert _exec_environ(rt.pid).get("GLIBC_TUNABLES") == "glibc.malloc.hugetlb=1"
        assert rt.eval("Object.keys(process.env)") == []
    own = {"GLIBC_TUNABLES": "glibc.malloc.check=0", "A": "1"}
    with Runtime(RuntimeOptions(startup_snapshot=blob, env=own)) as rt:
        # (glibc 2.36 rewrites a multi-tunable GLIBC_TUNABLES in place, so /proc shows only its first item.)
        assert rt.eval("process.env") == own
    with Runtime(RuntimeOptions(startup_snapshot=blob, huge_pages=False, env=own)) as rt:
        assert rt.pid is not None
        assert _exec_environ(rt.pid)["GLIBC_TUNABLES"] == "glibc.malloc.check=0"
        assert rt.eval("process.env") == own
