#!/usr/bin/env python3
"""Checks that tools/setup.sh installs every system library the package links.

Reads each `link "NAME"` of the module maps in Sources/ and in the resolved dependencies
(.build/checkouts, e.g. GRDB's sqlite3), finds the Debian package that owns the unversioned
libNAME.so (the -dev package a build needs) with `dpkg -S`, and fails naming each package that
tools/setup.sh does not install. Run after `swift build` (the checkouts must exist)."""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def linked_libraries():
    maps = glob.glob(os.path.join(ROOT, "Sources", "*", "module.modulemap"))
    maps += glob.glob(os.path.join(ROOT, ".build", "checkouts", "*", "**", "module.modulemap"), recursive=True)
    names = {}
    for path in maps:
        with open(path) as f:
            for name in re.findall(r'^\s*link\s+"([^"]+)"', f.read(), re.M):
                names.setdefault(name, os.path.relpath(path, ROOT))
    return names


def owning_packages(lib):
    """The Debian packages owning libLIB.so and each link it resolves through (alternatives), or []."""
    multiarch = subprocess.run(["gcc", "-print-multiarch"], capture_output=True, text=True).stdout.strip()
    for folder in [f"/usr/lib/{multiarch}", "/usr/lib", "/usr/local/lib"]:
        path = os.path.join(folder, f"lib{lib}.so")
        if not os.path.lexists(path):
            continue
        owners = []
        for _ in range(8):
            out = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
            if out.returncode == 0:
                owners.append(out.stdout.split(":")[0].strip())
            if not os.path.islink(path):
                break
            path = os.path.join(os.path.dirname(path), os.readlink(path))
        return owners, os.path.join(folder, f"lib{lib}.so")
    return [], f"lib{lib}.so"


def dependencies(packages):
    """Packages the given ones depend on directly (a metapackage such as libopenblas-dev counts for its choices)."""
    out = subprocess.run(["apt-cache", "depends", *sorted(packages)], capture_output=True, text=True).stdout
    return set(re.findall(r"Depends:\s*<?([a-z0-9][a-z0-9.+-]+)", out))


def main():
    with open(os.path.join(ROOT, "tools", "setup.sh")) as f:
        setup = f.read()
    installed = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", setup))
    libs = linked_libraries()
    if not any(src.startswith(".build") for src in libs.values()):
        print("check_system_libraries: no resolved dependencies under .build/checkouts (run swift build first)")
        return 1
    problems = []
    covered = installed | dependencies(installed & set(subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\\n"], capture_output=True, text=True).stdout.split()))
    for lib, source in sorted(libs.items()):
        owners, path = owning_packages(lib)
        if not owners:
            problems.append(f"lib{lib} (linked by {source}): no Debian package owns {path}")
        elif owners[0] not in covered:
            problems.append(f"lib{lib} (linked by {source}) comes from {owners[0]}, which tools/setup.sh does not install")
        else:
            print(f"ok: lib{lib} <- {', '.join(owners)} ({source})")
    for p in problems:
        print("check_system_libraries: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
