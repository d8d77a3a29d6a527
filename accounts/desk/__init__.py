"""The officer desk: assisted participation for people who come in person.

An officer finds the person in the census (document + birth date), finds or opens their
account without needing an email, hands them a one-time sign-in code, and during that
visit may act on their behalf (apps above accounts add the acts: a support, a proposal).
The visit is a desk session kept in the officer's own session: it names the person, the
desk location and when it started; it ends explicitly or after DESK_SESSION_MINUTES.
Officers never sign in as the person and never cast a ballot for anyone (booths do that).
"""
