"""One territory (a region or an MRC) as the territory pages, the one-page sheets and the comparison
write it: its facts (facts), the projects that count in it (projects), the documented share of its
envelopes (documented_share), and the « Territoire inconnu » page of an address that names none (unknown)."""
