"""The tables of `export.tables` written where a planner's tools open them: an Excel workbook (one sheet
per table, openpyxl) or a folder of CSV files (UTF-8, one per table, with `export.json` saying what they
are). Both are written whole or not at all: under a temporary name, renamed into place."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .. import __version__
from ..layout import EXPORT_MANIFEST, PRODUCT, temporary_prefix
from ..output import write_file_atomic
from ..ownership import OutputRefused, check_file_out, csv_folder_problem, is_workbook

SHEET_NAME_MAX = 31   # Excel's limit on a sheet's name


def write_excel(tables: dict[str, pd.DataFrame], path: Path, about: dict) -> Path:
    """One sheet per table, then `about` (what was exported, from where, by which version) on its own sheet;
    the workbook's creator is corridor-sim, so that a later export knows the file as its own."""
    path = Path(path)
    check_file_out(path, is_workbook, "workbook", parameter="excel")

    def fill(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, table in tables.items():
                table.to_excel(writer, sheet_name=name[:SHEET_NAME_MAX], index=False)
            pd.DataFrame(list(about.items()), columns=["field", "value"]).to_excel(writer, sheet_name="about",
                                                                                 index=False)
            writer.book.properties.creator = f"{PRODUCT} {__version__}"
            writer.book.properties.title = f"{about.get('scenario', '')} ({about.get('source', '')})"

    return write_file_atomic(path, fill, replaces=is_workbook)


def write_csv(tables: dict[str, pd.DataFrame], directory: Path, about: dict) -> list[Path]:
    """Each table as DIRECTORY/<table>.csv, and export.json (`about` and the files). The folder is built
    beside its place and swapped in whole; an earlier export there is replaced, anything else refused."""
    directory = Path(directory)
    problem = csv_folder_problem(directory)
    if problem:
        raise OutputRefused(directory, f"{problem}; choose another folder", "csv")
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=temporary_prefix(directory.name), dir=directory.parent))
    try:
        for name, table in tables.items():
            table.to_csv(tmp / f"{name}.csv", index=False, encoding="utf-8")
        manifest = {**about, "files": [f"{name}.csv" for name in tables]}
        (tmp / EXPORT_MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o777 & ~_umask())
        problem = csv_folder_problem(directory)   # asked again: nothing of anyone else's is ever removed
        if problem:
            raise OutputRefused(directory, f"{problem} (changed meanwhile); nothing written", "csv")
        if directory.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old-", dir=directory.parent))
            os.replace(directory, old / "export")
            os.replace(tmp, directory)
            shutil.rmtree(old)
        else:
            os.replace(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [directory / f"{name}.csv" for name in tables]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
