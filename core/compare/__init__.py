"""Compare Studio: the same request on several models side by side, blind votes and a leaderboard.

1. Each model of a compare is a normal job: priced by the money preflight, reserved, confirmed once for the total.
2. A model that cannot honour a setting runs at the nearest it can do (said so), or is left out with the reason.
3. An earlier output of the same request on the same model is re-used at no cost unless `run_again`.
4. Blind mode names no model, vendor or price of an output until a vote on it is recorded.
5. Every vote is one record on the leaderboard: Bradley-Terry (choix), bootstrap intervals, ranked by `ci_low`.
"""
