"""Reports a managing authority can file: a pilot's, a consortium's or the portfolio's
figures for a period, at a point on both time axes, as PDF or self-contained HTML.

A report is made from the views' documents at its point and stamped with its
basis (the store's head digest at its known-at moment, its as-of date and
the command that makes it again); the same basis gives the same bytes.
"""
