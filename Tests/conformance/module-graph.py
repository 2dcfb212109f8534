#!/usr/bin/env python3
"""Guard the module graph: Package.swift may only grow arrows the design allows.

Two things drift quietly in a SwiftPM package. A target gains a dependency
because it was convenient, and the layering in docs/DESIGN.md stops being
true. Or a file imports a module its target never declared, which compiles
only because the module happens to be built transitively, and breaks the day
that transitive path goes away. This script fails CI on both:

1. every dependency arrow in Package.swift (as `swift package dump-package`
   reports it) must be allowed by the table under `## Target graph` in
   docs/DESIGN.md;
2. every `import M` in a target's .swift files must name a module that target
   declares directly in Package.swift (or a toolchain module, ALWAYS_AVAILABLE);
3. the table itself must be true: one row per non-test target, no rows for
   targets that do not exist, and no Lineup-looking names that are not targets.

To add an arrow: edit the `## Target graph` table in docs/DESIGN.md first (that
is where the reason for the arrow gets reviewed), then add the dependency to
Package.swift. Test target `XTests` may use X, whatever X may use, and the
names on the section's `Test targets may also use:` line.

Usage:
    python3 Tests/conformance/module-graph.py [--package-path DIR]
        [--design docs/DESIGN.md] [--scratch-path DIR]

Exit status: 0 when the graph conforms, 1 when any violation is printed (one
per line), 2 when the check cannot run (no swift, unreadable manifest, no
`## Target graph` section or table).
"""

import argparse
import json
import os
import re
import subprocess
import sys

SECTION_HEADING = "## Target graph"
TEST_EXTRAS_PREFIX = "Test targets may also use:"
ANY_TARGET_ABOVE = {"*any target above*", "_any target above_"}
NOTHING = {"—", "–", "-", ""}

# Modules the toolchain provides; nobody declares them in Package.swift.
ALWAYS_AVAILABLE = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML",
    "Dispatch", "Glibc", "Musl", "Darwin", "Synchronization", "Testing", "XCTest",
    "_Concurrency", "_StringProcessing", "os", "Observation", "RegexBuilder",
}

# Products whose modules are not just the one module named like the product.
# A product not listed here provides exactly the module of its own name.
PRODUCT_MODULES = {
    "ServiceLifecycle": ["ServiceLifecycle", "UnixSignals"],
}

IMPORT_RE = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*"                      # @testable, @_exported, @preconcurrency
    r"(?:(?:public|package|internal|fileprivate|private|open)\s+)?"
    r"(?:@\w+\s+)*import\s+"
    r"(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?"  # import struct M.X
    r"([A-Za-z_][A-Za-z0-9_]*)"
)
BACKTICKED_RE = re.compile(r"`([^`]+)`")


class CheckError(Exception):
    """The check cannot run at all (as opposed to finding violations)."""


# --- Package.swift, as SwiftPM reads it ---------------------------------------

def dump_package(root, scratch):
    """Ask SwiftPM for the manifest; parsing Package.swift ourselves would guess."""
    cmd = ["swift", "package", "--package-path", root, "--scratch-path", scratch, "dump-package"]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True)
    except FileNotFoundError:
        raise CheckError("`swift` is not on PATH; cannot read Package.swift")
    if run.returncode != 0:
        raise CheckError("`%s` failed:\n%s" % (" ".join(cmd), run.stderr.strip()))
    return json.loads(run.stdout)


def dependency_name(dep):
    """Name of one dependency in the dump's forms: byName, target or product."""
    for kind in ("byName", "target", "product"):
        if kind in dep:
            return kind, dep[kind][0]
    raise CheckError("unknown dependency form in dump-package output: %r" % dep)


def target_dir(target):
    """Where a target's sources live: its `path`, else SwiftPM's default."""
    if target.get("path"):
        return target["path"]
    return os.path.join("Tests" if target["type"] == "test" else "Sources", target["name"])


# --- docs/DESIGN.md, the allowed graph -------------------------------------------

def section_lines(text, design_label):
    """Lines of the `## Target graph` section, up to the next heading of level 1 or 2
    (a `#` comment inside a ``` code block is not a heading)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.rstrip() == SECTION_HEADING]
    if not starts:
        raise CheckError("%s has no `%s` section; the allowed target graph lives there"
                         % (design_label, SECTION_HEADING))
    body, in_code = [], False
    for line in lines[starts[0] + 1:]:
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if not in_code and re.match(r"#{1,2}\s", line):
            break
        body.append(line)
    return body


def cells(line):
    """Cells of one markdown table row, without the outer pipes."""
    return [c.strip() for c in line.strip().strip("|").split("|")]


def find_table(lines, design_label):
    """(column of target, column of may-depend-on, body rows) of the graph table."""
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("|"):
            continue
        header = [c.lower() for c in cells(line)]
        if "target" in header and "may depend on" in header:
            rows = []
            for row in lines[i + 2:]:                      # skip the |---| separator
                if not row.lstrip().startswith("|"):
                    break
                rows.append(cells(row))
            return header.index("target"), header.index("may depend on"), rows
    raise CheckError("%s's `%s` section has no table with a `| target | may depend on |` header"
                     % (design_label, SECTION_HEADING))


def parse_allowed(cell):
    """Names in a may-depend-on cell; ANY_TARGET_ABOVE stays a token to expand later."""
    pieces = [p.strip() for p in cell.split(",")]
    if len(pieces) == 1 and pieces[0] in NOTHING:
        return [], []
    names, unreadable = [], []
    for piece in pieces:
        match = re.fullmatch(r"`([^`]+)`", piece)
        if match:
            names.append(match.group(1))
        elif piece in ANY_TARGET_ABOVE:
            names.append(piece)
        else:
            unreadable.append(piece)
    return names, unreadable


def read_design(path, design_label):
    """The table as {target: allowed names} in row order, the test extras, every name the
    section writes out (before *any target above* is expanded), and format errors."""
    with open(path, encoding="utf-8") as f:
        lines = section_lines(f.read(), design_label)
    name_col, allowed_col, rows = find_table(lines, design_label)
    table, errors, above, written = {}, [], [], set()
    for row in rows:
        match = re.fullmatch(r"`([^`]+)`", row[name_col]) if len(row) > name_col else None
        if not match or len(row) <= allowed_col:
            errors.append("%s: target graph row is unreadable: | %s |" % (design_label, " | ".join(row)))
            continue
        name = match.group(1)
        if name in table:
            errors.append("%s: target graph has two rows for %s" % (design_label, name))
        names, unreadable = parse_allowed(row[allowed_col])
        for piece in unreadable:
            errors.append("%s: %s's may-depend-on entry %r is neither a `name` nor *any target above*"
                          % (design_label, name, piece))
        written.update(n for n in names if n not in ANY_TARGET_ABOVE)
        expanded = set()
        for n in names:
            expanded |= set(above) if n in ANY_TARGET_ABOVE else {n}
        table[name] = expanded
        above.append(name)
    extras = set()
    for line in lines:
        if line.strip().startswith(TEST_EXTRAS_PREFIX):
            extras |= set(BACKTICKED_RE.findall(line))
    return table, extras, written | extras, errors


# --- the checks -------------------------------------------------------------------

def looks_like_our_target(name):
    """Names that can only mean a target of this package, never a product elsewhere."""
    return name.startswith("Lineup") or name in ("lineup", "CBLAS")


def check_table_is_true(table, written, targets, design_label):
    """Rows and names in the table must match Package.swift (check 3)."""
    errors = []
    for name, target in targets.items():
        if target["type"] != "test" and name not in table:
            errors.append("%s: target graph has no row for %s, which Package.swift declares"
                          % (design_label, name))
    for name in table:
        if name not in targets:
            errors.append("%s: target graph has a row for %s, which Package.swift does not declare"
                          % (design_label, name))
    for name in sorted(written):
        if name not in targets and looks_like_our_target(name):
            errors.append("%s: target graph allows %s, which is not a target in Package.swift"
                          % (design_label, name))
    return errors


def allowed_for(name, target, table, extras):
    """What a target may depend on; None when the table cannot say (test target without X)."""
    if name in table:
        return table[name]
    if target["type"] == "test" and name.endswith("Tests") and name[:-len("Tests")] in table:
        tested = name[:-len("Tests")]
        return {tested} | table[tested] | extras
    return None


def untested_target_error(name, design_label):
    """Why a test target's allowed set is unknown: the XTests naming rule found no row X."""
    if not name.endswith("Tests"):
        return ("%s: test target %s does not end in Tests, so the table cannot say what it may use"
                % (design_label, name))
    return "%s: test target %s has no target %s in the table" % (design_label, name, name[:-len("Tests")])


def check_arrows(targets, table, extras, design_label):
    """Every dependency in Package.swift must be allowed by the table (check 1)."""
    errors = []
    for name, target in targets.items():
        allowed = allowed_for(name, target, table, extras)
        if allowed is None:
            if target["type"] == "test":
                errors.append(untested_target_error(name, design_label))
            continue                                       # missing row already reported
        for dep in target["dependencies"]:
            _, dep_name = dependency_name(dep)
            if dep_name not in allowed:
                errors.append("Package.swift: %s depends on %s, which %s's target graph does not allow"
                              % (name, dep_name, design_label))
    return errors


def declared_modules(target, targets):
    """Modules a target may import: its target deps, and the modules of its product deps."""
    modules = set()
    for dep in target["dependencies"]:
        kind, dep_name = dependency_name(dep)
        if kind != "product" and dep_name in targets:
            modules.add(dep_name)
        else:
            modules.update(PRODUCT_MODULES.get(dep_name, [dep_name]))
    return modules


def swift_files(root, directory):
    """Every .swift file under a target's directory, sorted so output is stable."""
    found = []
    for dirpath, _, filenames in os.walk(os.path.join(root, directory)):
        found += [os.path.join(dirpath, f) for f in filenames if f.endswith(".swift")]
    return sorted(found)


def imported_modules(path):
    """Modules a file imports, in order of first appearance; `//` lines never match."""
    modules = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            match = IMPORT_RE.match(line)
            if match and match.group(1) not in modules:
                modules.append(match.group(1))
    return modules


def check_imports(root, targets):
    """Every import must name a module its target declares directly (check 2)."""
    errors = []
    for name, target in targets.items():
        allowed = declared_modules(target, targets) | ALWAYS_AVAILABLE | {name}
        if target["type"] == "plugin":
            allowed.add("PackagePlugin")  # what SwiftPM gives every plugin
        for path in swift_files(root, target_dir(target)):
            for module in imported_modules(path):
                if module not in allowed:
                    errors.append("%s imports %s, which %s does not declare in Package.swift"
                                  % (os.path.relpath(path, root), module, name))
    return errors


# --- main ---------------------------------------------------------------------------

def parse_args():
    """Defaults point at this repository, so CI runs the script with no arguments."""
    here = os.path.dirname(os.path.abspath(__file__))
    default_root = os.path.normpath(os.path.join(here, "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--package-path", default=default_root)
    parser.add_argument("--design", help="default: <package-path>/docs/DESIGN.md")
    parser.add_argument("--scratch-path", help="default: <package-path>/.build")
    args = parser.parse_args()
    args.package_path = os.path.abspath(args.package_path)
    args.design = os.path.abspath(args.design or os.path.join(args.package_path, "docs", "DESIGN.md"))
    args.scratch_path = os.path.abspath(args.scratch_path or os.path.join(args.package_path, ".build"))
    return args


def display(path, root):
    """A path relative to the repository when it is inside it, so messages stay short."""
    rel = os.path.relpath(path, root)
    return path if rel.startswith("..") else rel


def main():
    args = parse_args()
    design_label = display(args.design, args.package_path)
    try:
        manifest = dump_package(args.package_path, args.scratch_path)
        if not os.path.isfile(args.design):
            raise CheckError("design document %s does not exist" % design_label)
        table, extras, written, errors = read_design(args.design, design_label)
    except CheckError as problem:
        print("module graph: %s" % problem, file=sys.stderr)
        return 2
    targets = {t["name"]: t for t in manifest["targets"]}
    errors += check_table_is_true(table, written, targets, design_label)
    errors += check_arrows(targets, table, extras, design_label)
    errors += check_imports(args.package_path, targets)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print("module graph: %d violation(s)" % len(errors), file=sys.stderr)
        return 1
    arrows = sum(len(t["dependencies"]) for t in targets.values())
    print("module graph: %d targets, %d arrows, each allowed by %s; every import declared"
          % (len(targets), arrows, design_label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
