"""Money: what a run may cost, who agreed to it, and where every dollar ended up.

1. Every estimate is exact or an upper bound: `max_usd`, `price_basis` exact | upper-bound | provider-quote.
2. Prices follow facts the core measured (lengths of files and links), never a client's declaration.
3. A confirmation is an amount, `confirm_usd`; a run whose `max_usd` is above the threshold needs `confirm_usd >= max_usd`.
4. The reservation is `max_usd`, taken in one transaction with the budget check (owner's cap, team cap).
5. Right before a paid submit the job re-checks its price (quote, fallback) against `confirm_usd`; it sends at most once.
6. Every reservation ends charged, refunded, released (never sent) or unknown (may be billed; stays counted).
"""
