"""Analytics: reads across the sales apps shaped for the head of sales' screens (issue 3 and later)."""
