"""The execution report bundle: an order's facts in a window, the figures computed from
them, serialized canonically, hashed and signed by the node (docs/reports.md)."""
