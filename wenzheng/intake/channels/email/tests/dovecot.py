"""A private Dovecot IMAP server for tests, never the system's instance: its own configuration,
password file, maildirs, runtime and state directories and log in a temporary directory, listening
on 127.0.0.1 on a free port, without TLS.

Dovecot refuses to keep mail as root (uid 0) and to run its login processes as root, so under root
the mail belongs to the ``dovecot`` system user and the login processes run as ``dovenull`` (both
created by Debian's package); under any other user everything runs as that user.

``dovecot -F`` stays in the foreground; it is started in its own process group so that stopping it
also stops its children (auth, imap-login, imap …).
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER = "intake"
PASSWORD = "intake-test-password"


@dataclass(frozen=True)
class DovecotServer:
    host: str
    port: int
    user: str
    password: str
    root: Path
    version: tuple[int, int]

    def log(self) -> str:
        parts = []
        for name in ("console.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)


def find_dovecot() -> str | None:
    """The dovecot binary (it lives in /usr/sbin, which a normal user's PATH may lack)."""
    found = shutil.which("dovecot")
    if found:
        return found
    for candidate in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def dovecot_version(binary: str) -> tuple[int, int]:
    output = subprocess.run(  # noqa: S603
        [binary, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    match = re.match(r"\s*(\d+)\.(\d+)", output)
    if match is None:
        raise RuntimeError(f"cannot read the Dovecot version from {output!r}")
    return int(match.group(1)), int(match.group(2))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _accounts() -> tuple[str, str, int, int]:
    """(internal user, login user, mail uid, mail gid)."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, me, os.geteuid(), os.getegid()
    owner = pwd.getpwnam("dovecot")
    login = "dovenull" if _user_exists("dovenull") else "dovecot"
    return "dovecot", login, owner.pw_uid, owner.pw_gid


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def write_config(root: Path, port: int, version: tuple[int, int]) -> Path:
    internal, login, uid, gid = _accounts()
    group = grp.getgrgid(gid).gr_name
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    for name in ("mail", "home", "run", "state"):
        (root / name).mkdir()
    if os.geteuid() == 0:
        for name in ("mail", "home"):
            os.chown(root / name, uid, gid)
        os.chmod(root, 0o755)  # noqa: S103 — the mail owner must reach its maildir
    common = f"""
protocols = imap
listen = 127.0.0.1
instance_name = wenzheng-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
first_valid_gid = {gid}
# No chroot: an unprivileged user cannot chroot (and a test has nothing to gain from it).
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    if version >= (2, 4):
        # Written from the 2.4 documentation (new setting names); CI (Debian bookworm) runs 2.3.
        config = f"""dovecot_config_version = {version[0]}.{version[1]}.0
dovecot_storage_version = {version[0]}.{version[1]}.0
{common}
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = {root}/mail/%{{user}}
mail_home = {root}/home/%{{user}}
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb passwd-file {{
  passwd_file_path = {root}/passwd
}}
userdb static {{
  fields {{
    uid = {uid}
    gid = {gid}
    home = {root}/home/%{{user}}
  }}
}}
"""
    else:
        config = f"""{common}
disable_plaintext_auth = no
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
"""
    path = root / "dovecot.conf"
    path.write_text(config)
    return path


def _wait_for_port(process: subprocess.Popen[bytes], server: DovecotServer, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited with {process.returncode}:\n{server.log()}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection((server.host, server.port), timeout=1) as s,
        ):
            if s.recv(64).startswith(b"* OK"):
                return
        time.sleep(0.1)
    raise RuntimeError(f"dovecot did not answer on port {server.port} within {seconds} s:\n{server.log()}")


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to TERM dovecot if the test process dies (even by KILL),
    so no server outlives a crashed test run. Best effort elsewhere."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop dovecot and its children: TERM to its process group, KILL if it does not go."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # children left behind by a master that died
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


@contextlib.contextmanager
def running_dovecot(binary: str, *, attempts: int = 3) -> Iterator[DovecotServer]:
    version = dovecot_version(binary)
    root = Path(tempfile.mkdtemp(prefix="wenzheng-dovecot-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        for attempt in range(attempts):  # a free port can be taken between probing and binding
            port = free_port()
            for child in root.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
            config = write_config(root, port, version)
            server = DovecotServer("127.0.0.1", port, USER, PASSWORD, root, version)
            with (root / "console.log").open("wb") as console:
                process = subprocess.Popen(  # noqa: S603
                    [binary, "-F", "-c", str(config)],
                    stdin=subprocess.DEVNULL,
                    stdout=console,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=_die_with_parent,
                )
            try:
                _wait_for_port(process, server, seconds=20)
                break
            except RuntimeError:
                stop(process)
                process = None
                if attempt == attempts - 1:
                    raise
        yield server
    finally:
        if process is not None:
            stop(process)
        shutil.rmtree(root, ignore_errors=True)
