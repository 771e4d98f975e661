#!/usr/bin/python3
"""Checks every #include in kiosk/, drivers/, screens/ and provisioning/ against tools/layers.txt.

Three rules, the first two read from the data file:
  1. Layers: a file of module M may include headers of M itself and of the modules M may use
     (the `uses` lines, closed transitively: M may use whatever its dependencies may use).
     An include that names a module M may not use climbs the layer graph.
  2. Owners: a third-party header (an <...> include that is not a system header) may appear
     only in the folders or files that own its library. A project header that includes one
     passes it on: including that header counts as including the library, so an owner's
     public header must not leak its library to the modules above.
  3. CMake: a target (shubbak_module, add_library, add_executable in the CMakeLists.txt of the
     checked folders) whose sources include a header implemented in another target's sources
     must link that target, directly or through its dependencies.

Usage: check_layers.py [--root DIR] [--layers FILE]
Exit status 0 when the tree follows the rules, 1 with one line per violation
("path:line: message") otherwise, 2 when the data file itself is wrong.
Only Debian's python3 is needed (no third-party modules).
"""

import argparse
import fnmatch
import os
import re
import sys

CHECKED_TREES = ("kiosk", "drivers", "screens", "provisioning")
SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".c", ".cc", ".inc")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


class DataError(Exception):
    pass


class Rules:
    def __init__(self):
        self.uses = {}  # module -> set of modules it may use directly
        self.libraries = []  # (name, [header globs], [owner paths])
        self.closure = {}

    def module_of(self, path):
        """The longest module prefix of a repository-relative path, or None."""
        best = None
        for module in self.uses:
            if path == module or path.startswith(module + "/"):
                if best is None or len(module) > len(best):
                    best = module
        return best

    def library_of(self, header):
        for name, globs, owners in self.libraries:
            if any(fnmatch.fnmatchcase(header, g) for g in globs):
                return name, owners
        return None

    def compute_closure(self):
        for module in self.uses:
            seen, stack = set(), list(self.uses[module])
            while stack:
                dep = stack.pop()
                if dep == module:
                    raise DataError(f"the layer graph has a cycle through {module}")
                if dep in seen:
                    continue
                seen.add(dep)
                stack.extend(self.uses[dep])
            self.closure[module] = seen


def read_rules(path):
    rules = Rules()
    pending_uses = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            words = line.split()
            where = f"{path}:{number}"
            if words[0] == "module":
                # module NAME [uses DEP...]
                if len(words) < 2 or (len(words) > 2 and words[2] != "uses"):
                    raise DataError(f"{where}: expected 'module NAME [uses DEP...]'")
                if words[1] in rules.uses:
                    raise DataError(f"{where}: module {words[1]} declared twice")
                rules.uses[words[1]] = set(words[3:])
                pending_uses.append((where, words[3:]))
            elif words[0] == "library":
                # library NAME headers GLOB... owners PATH...
                try:
                    h = words.index("headers")
                    o = words.index("owners")
                except ValueError:
                    raise DataError(f"{where}: expected 'library NAME headers GLOB... owners PATH...'")
                if h != 2 or o < h + 2 or o == len(words) - 1:
                    raise DataError(f"{where}: expected 'library NAME headers GLOB... owners PATH...'")
                rules.libraries.append((words[1], words[h + 1 : o], words[o + 1 :]))
            else:
                raise DataError(f"{where}: unknown keyword '{words[0]}'")
    for where, deps in pending_uses:
        for dep in deps:
            if dep not in rules.uses:
                raise DataError(f"{where}: uses an undeclared module {dep}")
    rules.compute_closure()
    return rules


def source_files(root):
    for tree in CHECKED_TREES:
        for directory, subdirs, files in os.walk(os.path.join(root, tree)):
            subdirs.sort()
            for name in sorted(files):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.relpath(os.path.join(directory, name), root)


def includes_of(root, path):
    """(line number, kind, name) for each #include; kind is '<' or '"'."""
    result = []
    in_block_comment = False
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            if in_block_comment:
                if "*/" in line:
                    in_block_comment = False
                    line = line.split("*/", 1)[1]
                else:
                    continue
            match = INCLUDE.match(line)
            if match:
                result.append((number, match.group(1), match.group(2)))
            elif "/*" in line and "*/" not in line.split("/*", 1)[1]:
                in_block_comment = True
    return result


def resolve(root, path, name):
    """The repository-relative file a quoted include names, or None (then it is third-party)."""
    for candidate in (name, os.path.join(os.path.dirname(path), name)):
        candidate = os.path.normpath(candidate)
        if os.path.isfile(os.path.join(root, candidate)):
            return candidate
    return None


def owned_by(path, owners):
    for owner in owners:
        if owner == "*" or path == owner or path.startswith(owner.rstrip("/") + "/"):
            return True
    return False


def check(root, rules):
    violations = []
    parsed = {}

    def parse(path):
        if path not in parsed:
            parsed[path] = includes_of(root, path)
        return parsed[path]

    # Third-party libraries a project header brings in, directly or through other headers:
    # library -> (header, via) for the message.
    exported = {}

    def libraries_through(path, visiting):
        if path in exported:
            return exported[path]
        if path in visiting:
            return {}
        visiting.add(path)
        found = {}
        for _, kind, name in parse(path):
            target = resolve(root, path, name) if kind == '"' else None
            if target is not None:
                for lib, (header, via) in libraries_through(target, visiting).items():
                    found.setdefault(lib, (header, [target] + via))
            else:
                library = rules.library_of(name)
                if library is not None:
                    found.setdefault(library[0], (name, []))
        visiting.discard(path)
        exported[path] = found
        return found

    owners_of = {name: owners for name, _, owners in rules.libraries}

    for path in source_files(root):
        module = rules.module_of(path)
        if module is None:
            violations.append(f"{path}:1: not in any module of tools/layers.txt")
            continue
        allowed = rules.closure[module] | {module}
        for number, kind, name in parse(path):
            target = resolve(root, path, name) if kind == '"' else None
            if target is not None:
                target_module = rules.module_of(target)
                if target_module is None:
                    if target.split("/", 1)[0] in CHECKED_TREES:
                        violations.append(
                            f"{path}:{number}: includes {target}, which is in no module"
                        )
                    continue
                if target_module not in allowed:
                    violations.append(
                        f"{path}:{number}: {module} may not include {name} "
                        f"({target_module} is not below it in the layer graph)"
                    )
                    continue
                for lib, (header, via) in libraries_through(target, set()).items():
                    if not owned_by(path, owners_of[lib]):
                        chain = " -> ".join([target] + via)
                        violations.append(
                            f"{path}:{number}: includes {chain}, which brings <{header}> "
                            f"({lib}, owned by {' '.join(owners_of[lib])})"
                        )
                continue
            library = rules.library_of(name)
            if library is None:
                violations.append(
                    f"{path}:{number}: <{name}> belongs to no library in tools/layers.txt"
                )
            elif not owned_by(path, library[1]):
                violations.append(
                    f"{path}:{number}: <{name}> ({library[0]}) outside its owner "
                    f"({' '.join(library[1])})"
                )
    return violations


CMAKE_COMMAND = re.compile(
    r"\b(shubbak_module|add_library|add_executable|target_link_libraries)\s*\(([^)]*)\)", re.S
)
CMAKE_KEYWORDS = {"STATIC", "SHARED", "OBJECT", "INTERFACE", "PUBLIC", "PRIVATE", "SOURCES",
                  "DEPS", "PRIVATE_DEPS", "EXCLUDE_FROM_ALL", "MODULE"}


def read_targets(root):
    """target -> (set of repository-relative source files, set of linked names)."""
    targets = {}
    for tree in CHECKED_TREES:
        for directory, subdirs, files in os.walk(os.path.join(root, tree)):
            subdirs.sort()
            if "CMakeLists.txt" not in files:
                continue
            folder = os.path.relpath(directory, root)
            with open(os.path.join(directory, "CMakeLists.txt"), encoding="utf-8") as f:
                text = re.sub(r"#[^\n]*", "", f.read())
            for command, arguments in CMAKE_COMMAND.findall(text):
                words = arguments.split()
                if not words:
                    continue
                name, rest = words[0], words[1:]
                sources, links = targets.setdefault(name, (set(), set()))
                if command == "target_link_libraries":
                    links.update(w for w in rest if w not in CMAKE_KEYWORDS)
                    continue
                section = "SOURCES"
                for word in rest:
                    if word in ("SOURCES", "DEPS", "PRIVATE_DEPS"):
                        section = word
                    elif word in CMAKE_KEYWORDS or "$" in word:
                        continue
                    elif section == "SOURCES" and word.endswith(SOURCE_SUFFIXES):
                        sources.add(os.path.normpath(os.path.join(folder, word)))
                    elif section != "SOURCES":
                        links.add(word)
    return targets


def check_cmake(root, parse):
    targets = read_targets(root)
    owners = {}
    for name, (sources, _) in targets.items():
        for source in sources:
            owners.setdefault(source, set()).add(name)
    closure = {}

    def linked(name, seen=None):
        if name in closure:
            return closure[name]
        seen = seen if seen is not None else set()
        result = set()
        if name not in seen:
            seen.add(name)
            for dep in targets.get(name, (set(), set()))[1]:
                result.add(dep)
                result |= linked(dep, seen)
        closure[name] = result
        return result

    violations = []
    for name in sorted(targets):
        sources, _ = targets[name]
        # A target's .cpp files and the headers they implement.
        files = set(sources)
        files |= {s[: -len(".cpp")] + ".hpp" for s in sources if s.endswith(".cpp")}
        for path in sorted(files):
            if not os.path.isfile(os.path.join(root, path)):
                continue
            for number, kind, header in parse(path):
                target = resolve(root, path, header) if kind == '"' else None
                if target is None or not target.endswith(".hpp"):
                    continue
                implementation = target[: -len(".hpp")] + ".cpp"
                built_in = owners.get(implementation, set())
                if not built_in or name in built_in or built_in & linked(name):
                    continue
                # A function the programs linking this target provide (each its own variant).
                if all(name in linked(other) for other in built_in):
                    continue
                other = " or ".join(sorted(built_in))
                violations.append(
                    f"{path}:{number}: target {name} uses {header}, built in {other}, "
                    f"but does not link {other} (add it to {name}'s DEPS)"
                )
    return violations


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.dirname(here))
    parser.add_argument("--layers", default=None)
    args = parser.parse_args()
    layers = args.layers or os.path.join(args.root, "tools", "layers.txt")
    try:
        rules = read_rules(layers)
    except (DataError, OSError) as error:
        print(f"check_layers: {error}", file=sys.stderr)
        return 2
    violations = check(args.root, rules)
    cache = {}

    def parse(path):
        if path not in cache:
            cache[path] = includes_of(args.root, path)
        return cache[path]

    violations += check_cmake(args.root, parse)
    for line in violations:
        print(line)
    if violations:
        print(f"check_layers: {len(violations)} violation(s) of {layers}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
