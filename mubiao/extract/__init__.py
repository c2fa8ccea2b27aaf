"""Pure text engine: plan text -> DraftPlan. No Django, no database, no network.

from mubiao.extract import extract_text, read_file, read_bytes, ExtractError
plan = extract_text(read_file("report.docx"))
plan.to_dict()   # the JSON of ../shared/contracts/draft-plan.md
"""

from .errors import ExtractError
from .model import DraftPlan, Heading, Target, Task
from .pipeline import extract_text
from .readers import read_bytes, read_file

__all__ = [
    "DraftPlan",
    "ExtractError",
    "Heading",
    "Target",
    "Task",
    "extract_text",
    "read_bytes",
    "read_file",
]
