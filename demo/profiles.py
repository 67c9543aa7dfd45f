"""What synthetic homes tell families on their public pages (issue 12): fees, top-ups,
visiting, a description, and whether they publish their availability. Plausible, not real:
fees around what English care homes charged a week in 2025-26 (nursing dearer), about one
home in seven keeping its fees or its availability off its page. Each home's profile comes
from its own seeded random numbers, so a home's page is the same however the data was built.
"""

import random

OPENINGS = [
    "{name} is a family-run home on a quiet road in {town}.",
    "{name} is a purpose-built home close to the centre of {town}.",
    "{name} is a converted Victorian house in {town}, extended over the years.",
    "{name} is a modern home in {town} with rooms on three floors.",
    "At {name} in {town} we have looked after people from the area for many years.",
]
CARE = {
    "nursing": "Our registered nurses are on duty day and night.",
    "residential": "Our care team helps with washing, dressing, meals and medicines, day and night.",
    "dementia": "Our dementia team has had specialist training, and the home is laid out to help people "
    "find their way.",
    "younger_adults": "We support younger adults to live as independently as they can, with their own routines.",
    "learning_disabilities": "People who live with a learning disability or autism have their own support "
    "plans and keyworkers.",
}
DAYS = [
    "Meals are cooked in our own kitchen, and we cater for special diets.",
    "An activities coordinator plans outings, music and gardening through the week.",
    "A hairdresser, chiropodist and optician visit regularly.",
    "Local churches and schools visit, and residents go out to the shops and the park.",
    "Rooms can be furnished with residents' own things.",
]
CLOSINGS = [
    "Families are welcome to visit before deciding: call us to arrange a time.",
    "Ring the home to talk to the manager about whether we can meet your relative's needs.",
    "We are happy to show you round.",
]
VISITING = [
    "Visitors are welcome at any time; please avoid mealtimes if you can.",
    "Open visiting from 10am to 8pm. Ring ahead for visits outside those hours.",
    "Visiting is open every day. Families can join residents for lunch.",
    "Visitors welcome between 9am and 9pm, and at any time for someone at the end of life.",
]
TOP_UP_NOTES = ["Only for our larger rooms with a view of the garden.", "For rooms with an en-suite shower.", ""]


def public_profile(seed: int, number: int, *, name: str, town: str, nursing: bool, bands: list[str]) -> dict:
    """The public page fields (CareHome field name: value) for dataset home ``number``."""
    rng = random.Random(f"{seed}-public-{number}")
    base = rng.randrange(1050, 1500, 5) if nursing else rng.randrange(800, 1250, 5)
    published_fees = rng.random() < 0.85
    top_up = rng.choices([True, False, None], weights=[45, 40, 15])[0]
    care = ["nursing" if nursing else "residential", *(band for band in bands if band in CARE)]
    paragraphs = [
        " ".join([rng.choice(OPENINGS).format(name=name, town=town), *(CARE[kind] for kind in care)]),
        " ".join(rng.sample(DAYS, 2)),
        rng.choice(CLOSINGS),
    ]
    return {
        "public_description": "\n\n".join(paragraphs),
        "fee_from": base if published_fees else None,
        "fee_to": base + rng.randrange(0, 450, 5) if published_fees else None,
        "top_up": top_up,
        "top_up_note": rng.choice(TOP_UP_NOTES) if top_up else "",
        "visiting_arrangements": rng.choice(VISITING),
        "shows_availability": rng.random() < 0.86,
    }
