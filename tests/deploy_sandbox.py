"""Run a command under the seccomp filters a systemd unit of deploy/systemd/ would install.

    python -m tests.deploy_sandbox deploy/systemd/palier-web.service -- gunicorn ...

systemd cannot start services in the test container (it is not PID 1), but the two unit
options that could break Python itself are seccomp filters, which any process can install on
itself before it execs (libseccomp, the library systemd uses):

- SystemCallFilter=: an allow list built like systemd builds it, reading the unit's lines in
  order (the first one allows, `~` removes, a later plain one adds back), each group expanded
  with `systemd-analyze syscall-filter`; other system calls fail with SystemCallErrorNumber=
  (EPERM), SystemCallArchitectures=native (other architectures kill the process).
- MemoryDenyWriteExecute=yes: systemd's rules (src/shared/seccomp-util.c), a second filter:
  mmap asking for both PROT_WRITE and PROT_EXEC, mprotect and pkey_mprotect asking for
  PROT_EXEC, and shmat with SHM_EXEC fail with EPERM.

Like NoNewPrivileges=yes, loading them sets no_new_privs. The rest of the hardening (mount
namespaces, capabilities) is left to `systemd-analyze verify` and `security`.
"""

import ctypes
import errno
import mmap
import os
import re
import subprocess
import sys

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_CMP_MASKED_EQ = 7
SHM_EXEC = 0o100000


def SCMP_ACT_ERRNO(number: int) -> int:  # noqa: N802 (libseccomp's name)
    return 0x00050000 | (number & 0xFFFF)


class ArgCmp(ctypes.Structure):
    _fields_ = (
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    )


def syscall_groups() -> dict[str, list[str]]:
    """Every @group systemd knows, with its members (system calls and nested groups)."""
    listing = subprocess.run(
        ["systemd-analyze", "syscall-filter", "--no-pager"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    groups: dict[str, list[str]] = {}
    current = None
    for line in listing.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.strip(), [])
        elif line.startswith(" ") and current is not None:
            name = line.strip()
            if name and not name.startswith("#"):
                current.append(name)
        else:
            current = None
    return groups


def expand(names: list[str], groups: dict[str, list[str]]) -> set[str]:
    calls: set[str] = set()
    for name in names:
        if name.startswith("@"):
            calls |= expand(groups[name], groups)
        else:
            calls.add(name)
    return calls


def unit_settings(unit_text: str, key: str) -> list[str]:
    return re.findall(rf"^{key}=(.*)$", unit_text, flags=re.MULTILINE)


def allowed_syscalls(unit_text: str) -> set[str]:
    """The allow list of the unit's SystemCallFilter= lines, in systemd's order of reading."""
    lines = unit_settings(unit_text, "SystemCallFilter")
    if not lines or lines[0].startswith("~"):
        raise ValueError("expected SystemCallFilter= to start with an allow list")
    groups = syscall_groups()
    allowed: set[str] = set()
    for line in lines:
        if line.startswith("~"):
            allowed -= expand(line[1:].split(), groups)
        else:
            allowed |= expand(line.split(), groups)
    return allowed


def load_filters(unit_text: str) -> None:
    seccomp = ctypes.CDLL("libseccomp.so.2", use_errno=True)
    seccomp.seccomp_init.restype = ctypes.c_void_p
    seccomp.seccomp_init.argtypes = (ctypes.c_uint32,)
    seccomp.seccomp_syscall_resolve_name.argtypes = (ctypes.c_char_p,)
    seccomp.seccomp_rule_add_array.argtypes = (
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.POINTER(ArgCmp),
    )
    seccomp.seccomp_load.argtypes = (ctypes.c_void_p,)

    def number(name: str) -> int:
        return seccomp.seccomp_syscall_resolve_name(name.encode())

    def check(result: int, what: str) -> None:
        if result != 0:
            raise OSError(-result, f"libseccomp: {what}: {os.strerror(-result)}")

    (error_number,) = unit_settings(unit_text, "SystemCallErrorNumber")
    deny = SCMP_ACT_ERRNO(getattr(errno, error_number))
    allow_list = seccomp.seccomp_init(deny)
    for name in sorted(allowed_syscalls(unit_text)):
        if number(name) >= 0:  # a name of another architecture does not exist here
            check(
                seccomp.seccomp_rule_add_array(allow_list, SCMP_ACT_ALLOW, number(name), 0, None),
                name,
            )

    # The memory rule first: once the allow list is loaded, seccomp() itself is not allowed.
    filters = []
    if unit_settings(unit_text, "MemoryDenyWriteExecute") == ["yes"]:
        no_wx = seccomp.seccomp_init(SCMP_ACT_ALLOW)
        write_exec = mmap.PROT_WRITE | mmap.PROT_EXEC
        rules = (
            ("mmap", 2, write_exec),
            ("mprotect", 2, mmap.PROT_EXEC),
            ("pkey_mprotect", 2, mmap.PROT_EXEC),
            ("shmat", 2, SHM_EXEC),
        )
        for name, argument, mask in rules:
            condition = ArgCmp(argument, SCMP_CMP_MASKED_EQ, mask, mask)
            check(
                seccomp.seccomp_rule_add_array(
                    no_wx, SCMP_ACT_ERRNO(errno.EPERM), number(name), 1, ctypes.byref(condition)
                ),
                name,
            )
        filters.append(no_wx)
    filters.append(allow_list)
    for context in filters:
        check(seccomp.seccomp_load(context), "load")


def main(argv: list[str]) -> None:
    unit_path, separator, *command = argv
    if separator != "--" or not command:
        raise SystemExit(__doc__)
    with open(unit_path) as unit:
        load_filters(unit.read())
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
