"""Entity lookups: departments, industries, tasks and plans, as plain rows.

Each lookup is a keyword-only function of a store with two implementations, one over the NetworkX
graph (embedded store) and one in read-only Cypher (Bolt store, run through `store.read`, i.e. read
transactions), chosen by `store.kind` like the catalog. Both return the same dicts in the same
order: lists are sorted by name (then id) or by plan order, and pages carry the total count.
User input only ever reaches Cypher as a `$parameter`. On the embedded store each distinct call is
answered once per graph version and the answer is shared between callers (the HTTP API serves it
at memory speed): treat answers as read-only, and copy one before changing it.

>>> from graph.stores.embedded import EmbeddedStore
>>> import tempfile, pathlib
>>> empty = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "s.plankg")
>>> departments(store=empty, q="农牧", limit=10, offset=0)
Page(data=[], count=0)
"""

from queries.lookups._shared import Page, Row, source_sentence
from queries.lookups.departments import department, departments
from queries.lookups.industries import industries, industry
from queries.lookups.plans import plan, plans
from queries.lookups.tasks import task

__all__ = ["Page", "Row", "department", "departments", "industries", "industry", "plan", "plans",
           "source_sentence", "task"]
