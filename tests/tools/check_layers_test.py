#!/usr/bin/python3
"""Tests tools/check_layers.py: it passes on the real tree, and on a copy of the tree with
planted violations it fails naming each file and line. Run by CTest (tests/tools/CMakeLists.txt).

Usage: check_layers_test.py SOURCE_DIR
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

CHECKED = ("kiosk", "drivers", "screens", "provisioning")
failures = []


def expect(condition, what, output=""):
    if condition:
        print(f"ok: {what}")
    else:
        failures.append(what)
        print(f"FAILED: {what}\n{output}")


def run_check(root, layers=None):
    command = [sys.executable, os.path.join(SOURCE, "tools", "check_layers.py"), "--root", root]
    if layers:
        command += ["--layers", layers]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def copy_tree(destination):
    """The checked folders (C++ files and CMakeLists.txt) and tools/layers.txt."""
    for tree in CHECKED:
        for directory, _, files in os.walk(os.path.join(SOURCE, tree)):
            relative = os.path.relpath(directory, SOURCE)
            for name in files:
                if name.endswith((".cpp", ".hpp")) or name == "CMakeLists.txt":
                    os.makedirs(os.path.join(destination, relative), exist_ok=True)
                    shutil.copy(os.path.join(directory, name), os.path.join(destination, relative))
    os.makedirs(os.path.join(destination, "tools"))
    shutil.copy(os.path.join(SOURCE, "tools", "layers.txt"), os.path.join(destination, "tools"))


def plant(root, path, line):
    """Appends `line` to a file; returns its line number there."""
    full = os.path.join(root, path)
    with open(full, encoding="utf-8") as f:
        count = len(f.read().splitlines())
    with open(full, "a", encoding="utf-8") as f:
        f.write(line + "\n")
    return count + 1


def new_file(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    status, output = run_check(SOURCE)
    expect(status == 0, "the real tree follows tools/layers.txt", output)

    with tempfile.TemporaryDirectory(prefix="check-layers-") as root:
        copy_tree(root)
        status, output = run_check(root)
        expect(status == 0, "an unchanged copy of the tree passes", output)

        # (a) A driver including a screen climbs the layer graph.
        up = plant(root, "kiosk/core/money.cpp", '#include "kiosk/workflow/bundle.hpp"')
        up_driver = plant(root, "drivers/printer/escpos_encoder.cpp",
                          '#include "screens/receipt/receipt_renderer.hpp"')
        # (b) A third-party header outside its owner, directly...
        lib = plant(root, "kiosk/workflow/engine.cpp", "#include <sqlite3.h>")
        # ... and through a project header that leaks it to the module above.
        new_file(root, "drivers/usb/libusb/leaky.hpp", "#pragma once\n#include <libusb.h>\n")
        leak = plant(root, "drivers/usb/usb_allow_list.cpp", '#include "drivers/usb/libusb/leaky.hpp"')
        # A header no library claims, and a file in no module.
        unknown = plant(root, "kiosk/net/https_client.cpp", "#include <mystery/lib.h>")
        new_file(root, "kiosk/stray.cpp", "int x;\n")

        status, output = run_check(root)
        expect(status == 1, "a tree with planted violations fails", output)
        planted = [
            (f"kiosk/core/money.cpp:{up}:", "kiosk/core may not include kiosk/workflow/bundle.hpp"),
            (f"drivers/printer/escpos_encoder.cpp:{up_driver}:",
             "drivers/printer may not include screens/receipt/receipt_renderer.hpp"),
            (f"kiosk/workflow/engine.cpp:{lib}:", "<sqlite3.h> (sqlite3) outside its owner"),
            (f"drivers/usb/usb_allow_list.cpp:{leak}:", "which brings <libusb.h>"),
            (f"kiosk/net/https_client.cpp:{unknown}:", "<mystery/lib.h> belongs to no library"),
            ("kiosk/stray.cpp:1:", "not in any module"),
        ]
        lines = [l for l in output.splitlines() if not l.startswith("check_layers:")]
        for where, what in planted:
            hit = [l for l in lines if l.startswith(where) and what in l]
            expect(len(hit) == 1, f"the failure names {where} ({what})", output)
        stray = [l for l in lines if not any(l.startswith(where) for where, _ in planted)]
        expect(not stray, "nothing but the planted violations is reported", output)

        # A cycle in the data file is refused before any file is read.
        cyclic = os.path.join(root, "tools", "cyclic.txt")
        with open(os.path.join(root, "tools", "layers.txt"), encoding="utf-8") as f:
            text = f.read()
        with open(cyclic, "w", encoding="utf-8") as f:
            f.write(text.replace("module kiosk/core\n", "module kiosk/core uses kiosk/store\n"))
        status, output = run_check(root, cyclic)
        expect(status == 2 and "cycle" in output, "a cyclic layer graph is refused", output)

    # (c) A target that stops linking a module whose headers it includes.
    with tempfile.TemporaryDirectory(prefix="check-layers-") as root:
        copy_tree(root)
        cmake = os.path.join(root, "kiosk", "trust", "CMakeLists.txt")
        with open(cmake, encoding="utf-8") as f:
            text = f.read()
        expect("shubbak_crypto" in text, "kiosk/trust links shubbak_crypto today")
        with open(cmake, "w", encoding="utf-8") as f:
            f.write(text.replace("shubbak_crypto", ""))
        status, output = run_check(root)
        hits = [l for l in output.splitlines()
                if l.startswith("kiosk/trust/") and "target shubbak_trust uses kiosk/crypto/" in l]
        expect(status == 1 and hits, "a target that does not link what it includes fails", output)
        expect(all(re.match(r"kiosk/trust/\S+\.(cpp|hpp):\d+: ", l) for l in hits),
               "the CMake failures name file and line", output)

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    SOURCE = os.path.abspath(sys.argv[1])
    sys.exit(main())
