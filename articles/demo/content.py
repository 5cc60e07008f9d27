"""Demo content for Bonespine: categories, authors, articles and static pages.

Written in the project's own words as plain-English patient information (British
spelling). References are real published works; DOIs and PubMed IDs are given only
where they were checked. ``manage.py load_demo`` loads this idempotently.
"""

from __future__ import annotations

import re
from datetime import date
from textwrap import dedent

from ..citations import REFERENCE_FIELDS
from ..migrations._markdown_to_html import markdown_to_html

_CITE = re.compile(r"\[@([\d, ]+)\]")


def md(text: str) -> str:
    """Markdown written indented in this file, without the indentation (see :func:`to_html`)."""
    return dedent(text).strip()


def to_html(text: str) -> str:
    """The demo's Markdown → the editor's HTML that is stored (the conversion migration 0010
    applied to real content).

    ``[@2]`` or ``[@1, 3]`` cites the article's references by their place in its list here:
    the demo gives reference n the key ``r<n>`` (a real article's keys are random).
    """
    html = markdown_to_html(dedent(text).strip())

    def cite(match: re.Match) -> str:
        keys = " ".join(f"r{n.strip()}" for n in match.group(1).split(",") if n.strip())
        return f'<span class="citation" data-refs="{keys}"></span>'

    return _CITE.sub(cite, html)

_EMPTY = {**dict.fromkeys(REFERENCE_FIELDS, ""), "year": None, "date_accessed": None}


def ref(authors, title, journal, year, volume="", issue="", pages="", doi="", pmid="", url="") -> dict:
    """A journal article."""
    return {**_EMPTY, "kind": "journal", "authors": authors, "title": title, "journal": journal, "year": year,
            "volume": volume, "issue": issue, "pages": pages, "doi": doi, "pmid": pmid, "url": url}


def book(title, *, authors="", editors="", edition="", place="", publisher="", year=None) -> dict:
    return {**_EMPTY, "kind": "book", "authors": authors, "editors": editors, "title": title, "edition": edition,
            "place": place, "publisher": publisher, "year": year}


def guideline(organisation, title, *, place="", publisher="", year=None, url="", cited=None) -> dict:
    """A guideline or report; online when it has a URL (then with the day it was read)."""
    return {**_EMPTY, "kind": "report", "organisation": organisation, "title": title, "place": place,
            "publisher": publisher, "year": year, "url": url, "date_accessed": cited}


def cite(text: str, url: str = "") -> dict:
    """A source that fits none of the types: the free-text citation."""
    return {**_EMPTY, "kind": "other", "citation_text": text, "url": url}


# --- shared sources ------------------------------------------------------------------------

# The day the demo's online sources were read (Citing Medicine's "[cited …]").
CITED = date(2026, 1, 15)
NICE = "National Institute for Health and Care Excellence"

GRAYS = book("Gray's anatomy: the anatomical basis of clinical practice", editors="Standring S", edition="41",
             place="London", publisher="Elsevier", year=2016)
NICE_OA = guideline(NICE, "Osteoarthritis in over 16s: diagnosis and management (NICE guideline NG226)",
                    place="London", publisher="NICE", year=2022, url="https://www.nice.org.uk/guidance/ng226",
                    cited=CITED)
NICE_BACK = guideline(NICE, "Low back pain and sciatica in over 16s: assessment and management (NICE guideline NG59)",
                      place="London", publisher="NICE", year=2016, url="https://www.nice.org.uk/guidance/ng59",
                      cited=CITED)
SKOU_2015 = ref("Skou ST, Roos EM, Laursen MB, Rathleff MS, Arendt-Nielsen L, Simonsen O, et al.",
                "A randomized, controlled trial of total knee replacement", "N Engl J Med", 2015, "373", "17",
                "1597-1606")


# --- categories ----------------------------------------------------------------------------

CATEGORIES = [
    {"slug": "anatomy", "name": "Anatomy", "position": 1,
     "description": "How bones, joints, muscles and nerves are built and work together: the background that "
                    "makes the rest of orthopaedics easier to follow."},
    {"slug": "fractures", "name": "Fractures", "position": 2,
     "description": "Broken bones: how they happen, how they are diagnosed and treated, and what recovery "
                    "looks like."},
    {"slug": "diseases", "name": "Diseases", "position": 3,
     "description": "Long-term conditions of the bones and joints, such as osteoarthritis and osteoporosis, "
                    "and how to live well with them."},
    {"slug": "spine-disorders", "name": "Spine Disorders", "position": 4,
     "description": "Conditions of the neck and back, from slipped discs and sciatica to scoliosis."},
    {"slug": "patient-guides", "name": "Patient Guides", "position": 5,
     "description": "Practical guides to help you prepare for treatment, make decisions and recover well."},
    {"slug": "procedures", "name": "Procedures", "position": 6,
     "description": "What happens before, during and after common orthopaedic operations and procedures."},
    {"slug": "wellness", "name": "Wellness", "position": 7,
     "description": "Staying active, preventing injury and keeping bones, joints and muscles healthy."},
]


# --- authors -------------------------------------------------------------------------------

AUTHORS = [
    {
        "slug": "dr-meera-iyer",
        "name": "Dr Meera Iyer",
        "credentials": "MBBS, MS (Orthopaedics)",
        "professional_title": "Consultant orthopaedic surgeon",
        "specialties": "Knee surgery, Joint replacement, Bone health",
        "is_medical_reviewer": True,
        "short_bio": "Dr Meera Iyer is a consultant orthopaedic surgeon with a special interest in knee problems "
                     "and joint replacement. She has cared for people with arthritis and fractures for more than "
                     "fifteen years and reviews Bonespine articles on joints, bone health and surgery.",
        "bio": "Dr Meera Iyer qualified in medicine and completed her master's degree in orthopaedics before "
               "further training in knee surgery and arthroplasty. Her clinical work covers knee arthritis, "
               "sports injuries of the knee, partial and total knee replacement, and fragility fractures in "
               "older adults, for whom she works closely with bone health and falls services. She teaches "
               "junior doctors and physiotherapists, and believes that people make better decisions about "
               "surgery when they understand both its benefits and its limits. At Bonespine she writes about "
               "joint conditions and medically reviews articles by other clinicians.",
    },
    {
        "slug": "dr-tomas-reyes",
        "name": "Dr Tomás Reyes",
        "credentials": "MBBS, FRCS (Tr & Orth)",
        "professional_title": "Consultant trauma and orthopaedic surgeon",
        "specialties": "Spine, Hand and wrist, Trauma",
        "is_medical_reviewer": True,
        "short_bio": "Dr Tomás Reyes is a consultant trauma and orthopaedic surgeon whose practice covers spinal "
                     "conditions and injuries of the hand and wrist. He writes and reviews Bonespine articles on "
                     "the spine, fractures and hand surgery.",
        "bio": "Dr Tomás Reyes trained in trauma and orthopaedic surgery and holds the intercollegiate "
               "fellowship in the specialty. He looks after adults with back and neck problems, including disc "
               "prolapse and spinal stenosis, and runs a hand and wrist clinic for fractures, nerve compression "
               "and tendon problems. He also takes part in the on-call trauma service, treating broken bones "
               "of every kind. His particular interest is in explaining when surgery helps and when patience "
               "and rehabilitation are the better choice. At Bonespine he writes about spinal disorders, "
               "fractures and procedures, and medically reviews articles in those areas.",
    },
    {
        "slug": "dr-hannah-okafor",
        "name": "Dr Hannah Okafor",
        "credentials": "MBChB, MRCS",
        "professional_title": "Specialty registrar in sport and exercise medicine",
        "specialties": "Sports injuries, Exercise medicine, Rehabilitation",
        "is_medical_reviewer": False,
        "short_bio": "Dr Hannah Okafor is a specialty registrar in sport and exercise medicine. She works with "
                     "recreational and competitive athletes and writes Bonespine articles on exercise, injury "
                     "prevention and getting back to sport.",
        "bio": "Dr Hannah Okafor completed surgical training before moving into sport and exercise medicine, "
               "where she now works in musculoskeletal clinics and provides medical cover at running and "
               "cycling events. Her interests are overuse injuries, return-to-sport planning and helping "
               "people who are new to exercise to stay active safely. She is a keen club runner herself. At "
               "Bonespine she writes articles on wellness and sports injuries, which are medically reviewed by "
               "a consultant before publication.",
    },
]


# --- articles ------------------------------------------------------------------------------

ARTICLES = [
    # ----------------------------------------------------------------------------------- wellness
    {
        "slug": "exercise-associated-muscle-cramps",
        "title": "Exercise-Associated Muscle Cramps",
        "category": "wellness",
        "author": "dr-hannah-okafor",
        "reviewer": "dr-meera-iyer",
        "published": date(2024, 3, 12),
        "featured": True,
        "motif": "muscle",
        "image_alt": "Illustration of a muscle drawn as a spindle shape with tendons at each end and a "
                     "zig-zag symbol above it, representing a sudden cramp.",
        "image_caption": "Cramps during exercise usually strike hard-working muscles that cross two joints, "
                         "such as the calf or the hamstrings.",
        "tags": ["cramp", "sports injury", "muscle", "hydration"],
        "lead": md("""
            Exercise-associated muscle cramps are sudden, painful and involuntary tightenings of a muscle
            that come on during exercise or soon after it, in people who are otherwise healthy. They most
            often affect the calf, the hamstrings or the front of the thigh, and they are common in both
            recreational and competitive athletes, especially during long endurance events.

            Most cramps ease within minutes with gentle stretching. This article explains the main ideas
            about why they happen, how to relieve a cramp and what may help prevent the next one.
        """),
        "sections": [
            ("What causes exercise-associated muscle cramps?", """
                Nobody yet knows the exact cause, and it is likely that more than one factor is involved.
                Two main explanations have been put forward, and each is supported by some evidence but not
                proven [@1].

                **The dehydration and electrolyte theory.** Heavy sweating removes water and salts such as
                sodium from the body. The idea is that this loss changes the fluid around nerve endings and
                makes them fire too easily, so that muscles contract on their own. Support for this theory
                comes mainly from observations of athletes who sweat heavily in hot conditions and lose a
                lot of salt. However, when endurance athletes have been followed through races, those who
                cramped were generally no more dehydrated and had no lower blood sodium than those who did
                not. The theory also struggles to explain why a cramp affects only the working muscle
                rather than the whole body.

                **The neuromuscular fatigue theory.** A tired muscle sends altered signals to the spinal
                cord. Sensors that encourage contraction (muscle spindles) become more active, while
                sensors in the tendon that normally damp contraction down (Golgi tendon organs) become less
                active. The nerve cells that drive the muscle then keep firing, and the muscle locks into a
                cramp. This fits several everyday observations: cramps strike muscles that are working
                hardest, often towards the end of a race or a hard session, and stretching the muscle,
                which switches the tendon sensors back on, usually stops a cramp quickly.

                Many experts now think that both mechanisms can play a part. Some people get local cramps in
                overworked muscles from fatigue, while others, usually heavy and salty sweaters exercising
                for hours in the heat, develop more widespread cramping linked to salt and fluid loss.
                Other factors that seem to raise the risk include exercising harder or for longer than usual,
                poor conditioning for the event and having had cramps before.
            """),
            ("Clinical presentation", """
                A cramp usually comes on suddenly. The affected muscle feels hard, tight and painful, and you
                may be able to see or feel a bulge or knot in it. The joint it moves may be pulled into an
                awkward position, for example the foot pointing downwards with a calf cramp [@2].

                - Cramps most often affect muscles that cross two joints, such as the calf, the hamstrings
                  and the quadriceps.
                - Some people notice warning twitches or a "cramp-prone" feeling in the muscle before a full
                  cramp.
                - A cramp typically lasts from a few seconds to several minutes, and it can recur if you
                  carry on at the same effort.
                - The muscle may feel sore or bruised for a day or two afterwards.

                Cramps that happen with confusion, vomiting, collapse, a very high body temperature or dark
                brown urine are **not** simple exercise cramps: they can be signs of heat illness, low blood
                sodium or muscle breakdown and need urgent medical help. See your GP if you have cramps
                often at rest or at night, cramps with weakness or muscle wasting, or cramps that began after
                starting a new medicine, because these can have other causes.
            """),
            ("Treatment: stretching comes first", """
                There is no single proven cure, so treatment is based on what works in practice and on what
                is safe. The first and most effective step is to **stop or slow down and gently stretch the
                cramping muscle** until it relaxes [@3].

                - **Calf:** straighten the knee and pull your toes up towards your shin, or stand with the
                  affected leg behind you and lean forward with the heel on the ground.
                - **Hamstrings:** lie on your back and raise the straight leg, or sit with the leg out
                  straight and lean forward from the hips.
                - **Front of the thigh:** bend the knee and bring the heel towards your buttock, holding the
                  ankle.

                Hold the stretch steadily, without bouncing, until the cramp eases; this often takes 20 to 60
                seconds and may need repeating. Gentle massage and light movement afterwards can help. When
                you start again, go at a lower intensity.

                If you have been sweating heavily for a long time, especially in the heat, drinking fluid
                that contains sodium (such as a sports drink) is reasonable. Some athletes use small amounts
                of pickle juice or other strong-tasting drinks; small laboratory studies suggest these may
                act through a reflex triggered in the mouth rather than by replacing salt, and the evidence
                is limited. Quinine, once used for night-time leg cramps, is not recommended for cramps
                linked to exercise because of its potential for serious side effects.
            """),
            ("Prevention", """
                Because the cause varies from person to person, prevention works best when it is tailored to
                what seems to trigger your own cramps [@2, 3, 4].

                - **Train for the event.** Build up distance and intensity gradually so that your muscles are
                  conditioned for what you ask of them, and include some training in conditions similar to
                  the event, such as heat or hills.
                - **Pace yourself.** Starting too fast is a common trigger; an even pace delays fatigue.
                - **Strengthen and stretch.** Regular strength work for cramp-prone muscles, including
                  exercises where the muscle lengthens under load, and regular stretching are low-risk and
                  may help, although firm evidence is lacking.
                - **Drink sensibly.** Drink to thirst and a little more in the heat. Drinking far more than
                  you lose can dangerously lower blood sodium, so avoid forcing fluids.
                - **Consider salt if you are a heavy, salty sweater.** If your kit is crusted with white salt
                  after exercise, extra salt in meals or sports drinks before and during long sessions in the
                  heat may help.
                - **Rest and recover.** Cramps are more likely when you are tired, short of sleep or
                  returning from illness.

                If cramps keep happening despite these measures, ask your GP or a sports medicine clinician
                to review your training, your medicines and any other health conditions.
            """),
        ],
        "references": [
            ref("Bentley S", "Exercise-induced muscle cramp: proposed mechanisms and management", "Sports Med",
                1996, "21", "6", "409-420", pmid="8784961"),
            ref("Bergeron MF", "Muscle cramps during exercise: is it fatigue or electrolyte deficit?",
                "Curr Sports Med Rep", 2008, "7", "4", "S50-S55"),
            ref("Schwellnus MP", "Cause of exercise associated muscle cramps (EAMC)--altered neuromuscular "
                "control, dehydration or electrolyte depletion?", "Br J Sports Med", 2009, "43", "6", "401-408",
                doi="10.1136/bjsm.2008.050401"),
            ref("Miller KC, McDermott BP, Yeargin SW, Fiol A, Schwellnus MP",
                "An evidence-based review of the pathophysiology, treatment, and prevention of "
                "exercise-associated muscle cramps", "J Athl Train", 2022, "57", "1", "5-15",
                doi="10.4085/1062-6050-0696.20", pmid="34185846"),
        ],
    },
    {
        "slug": "returning-to-running-after-injury",
        "title": "Returning to Running After Injury",
        "category": "wellness",
        "author": "dr-hannah-okafor",
        "reviewer": "dr-tomas-reyes",
        "published": date(2026, 2, 17),
        "featured": False,
        "motif": "track",
        "image_alt": "Illustration of curved running-track lanes, one highlighted, with a trail of footprints "
                     "heading along it.",
        "image_caption": "A gradual, planned return lets bones, tendons and muscles adapt to running again.",
        "tags": ["running", "rehabilitation", "sports injury", "exercise"],
        "lead": md("""
            Most runners are injured at some point, usually in the knee, shin, Achilles tendon or foot.
            Once the injury has settled, the most common mistake is to go back to previous mileage too
            quickly, which is one of the main reasons injuries come back.

            This guide sets out a sensible, gradual way back to running, how to judge whether pain is
            acceptable, and when to seek advice.
        """),
        "sections": [
            ("Are you ready to start running?", """
                Returning to sport is best seen as a gradual process rather than a single day when you are
                "fit". It often moves from taking part in modified training, to full training, to performing
                at your previous level. Before your first run, you should usually be able to do the
                following without pain, both during the activity and the next morning:

                - walk briskly for 30 minutes;
                - do 15 to 20 slow single-leg calf raises and single-leg squats on the injured side, with
                  control similar to the other side;
                - hop gently on the spot on the injured leg 10 to 20 times.

                If you had a bone stress injury, an operation, or an injury that needed a cast or boot,
                follow the timeline agreed with your clinician, because bone and repaired tissues need time
                to regain strength even when they no longer hurt [@1].
            """),
            ("A walk-run return plan", """
                Start with short intervals of easy running mixed with walking, on flat, even ground, every
                other day. Move up a stage only when the previous one has felt comfortable on at least two
                runs and you have had no increase in pain the next day [@2].

                | Stage | Each session (about 30 minutes in total) |
                |---|---|
                | 1 | Run 1 minute, walk 2 minutes, repeated |
                | 2 | Run 2 minutes, walk 1 minute, repeated |
                | 3 | Run 5 minutes, walk 1 minute, repeated |
                | 4 | Run 10 minutes, walk 1 minute, repeated |
                | 5 | Continuous easy running for 20 to 30 minutes |

                Increase time before speed: keep the pace conversational until you can run continuously for
                30 minutes. Change only one thing at a time, so do not add hills, speed work or a new
                surface in the same week as you add distance. Keep a rest day between runs at first.
            """),
            ("How much pain is acceptable?", """
                Some mild discomfort is common when tissues are being loaded again and is not a sign of
                harm. A widely used rule of thumb is that it is acceptable if:

                - it stays mild during the run (for example, no more than 3 out of 10);
                - it settles within 24 hours;
                - it is not getting worse from week to week.

                If pain goes beyond this, drop back a stage for a few sessions. **Stop and get advice** if you
                have sharp, well-localised pain over a bone, pain that makes you limp, swelling, pain at
                night or at rest, or pain that keeps building despite easing off, because these can point to
                a bone stress injury or another problem that needs assessment [@3].
            """),
            ("Managing your training load", """
                Injuries are often linked to sudden jumps in training, such as doubling your weekly distance
                or adding lots of speed work at once. Being well conditioned, on the other hand, appears to
                protect you. The aim is therefore to build up steadily rather than to run as little as
                possible.

                The popular "10 per cent rule" (increasing weekly distance by no more than a tenth) is a
                reasonable rough guide, but it is not backed by strong research; studies of training
                errors and injuries have given conflicting results. Listening to how your body responds is
                at least as important.

                Two or three sessions a week of strength training for the calves, thighs and hips help
                muscles and tendons cope with running. Good sleep and eating enough to fuel your training
                also matter: regularly running on too little energy raises the risk of bone stress injuries,
                particularly in women and in younger athletes.
            """),
            ("When to seek help", """
                See a physiotherapist, sports medicine doctor or your GP if you cannot progress through the
                stages after several weeks, if the same injury keeps returning, or if you are unsure what
                the injury was in the first place. A clinician can look for contributing factors such as
                muscle weakness, training errors or low bone density, and adapt the plan to you.
            """),
        ],
        "references": [
            ref("Ardern CL, Glasgow P, Schneiders A, Witvrouw E, Clarsen B, Cools A, et al.",
                "2016 Consensus statement on return to sport from the First World Congress in Sports Physical "
                "Therapy, Bern", "Br J Sports Med", 2016, "50", "14", "853-864", doi="10.1136/bjsports-2016-096278"),
            ref("Gabbett TJ", "The training-injury prevention paradox: should athletes be training smarter and "
                "harder?", "Br J Sports Med", 2016, "50", "5", "273-280"),
            ref("Nielsen RO, Buist I, Sørensen H, Lind M, Rasmussen S",
                "Training errors and running related injuries: a systematic review", "Int J Sports Phys Ther",
                2012, "7", "1", "58-75"),
        ],
    },
    # ---------------------------------------------------------------------------------- fractures
    {
        "slug": "distal-radius-fracture",
        "title": "Distal Radius Fracture (Broken Wrist)",
        "category": "fractures",
        "author": "dr-meera-iyer",
        "reviewer": "dr-tomas-reyes",
        "published": date(2024, 5, 20),
        "featured": False,
        "motif": "wrist",
        "image_alt": "Schematic drawing of the wrist: the two forearm bones, the small carpal bones and the "
                     "fingers, with a red zig-zag line across the end of the radius marking a fracture.",
        "image_caption": "Most broken wrists are breaks of the radius, the larger forearm bone, just above the "
                         "wrist joint.",
        "tags": ["wrist", "fracture", "cast", "osteoporosis"],
        "lead": md("""
            The distal radius is the end of the larger of the two forearm bones, just above the wrist. A
            break here is one of the most common fractures seen in emergency departments, and it usually
            happens when someone falls onto an outstretched hand.

            These fractures are most common in children and young adults, after sport or higher-energy
            falls, and in older adults, especially women after the menopause, whose bones may have been
            weakened by osteoporosis.
        """),
        "sections": [
            ("How the wrist breaks", """
                The radius carries most of the load from the hand to the forearm, so when you land on your
                palm the force passes straight into its lower end. The bone may crack without moving
                (undisplaced) or the broken end may shift and tilt (displaced) [@1].

                - In the most common pattern the broken end tilts backwards, giving the wrist a bent
                  "dinner fork" look from the side. This is often called a Colles' fracture.
                - Less often the end tilts forwards towards the palm (a Smith's fracture).
                - Some breaks run into the joint surface of the wrist. These intra-articular fractures need
                  careful assessment because an uneven joint surface may lead to arthritis later.

                A broken wrist after a simple fall from standing height in someone over 50 can be the first
                sign of osteoporosis, so a bone health assessment should be part of the follow-up.
            """),
            ("Symptoms and diagnosis", """
                Typical signs are pain, swelling and bruising at the wrist, difficulty moving the wrist or
                gripping, and sometimes an obvious change in shape. Tingling or numbness in the thumb, index
                and middle fingers suggests pressure on the median nerve and needs prompt attention [@2].

                The fracture is confirmed with X-rays taken from the front and the side. A CT scan is
                sometimes used for complex breaks into the joint, to help plan surgery.
            """),
            ("Treatment", """
                The aim is to heal the bone in a position that gives a comfortable, useful wrist. The right
                choice depends on the pattern of the break, how far it has moved, the joint surface, your
                age and how you use your hands [@3].

                - **Undisplaced or stable fractures** are treated in a splint or cast, usually for four to six
                  weeks.
                - **Displaced fractures** are often straightened (reduced) in the emergency department under
                  local or regional anaesthetic, then held in a cast. Repeat X-rays in the following one to
                  two weeks check that the position has not slipped.
                - **Surgery** is advised when the fracture is unstable, cannot be held in a good position or
                  involves a significant step in the joint surface. Options include wires passed through the
                  skin, a metal plate and screws (commonly on the palm side of the wrist), or an external
                  frame.

                Good-quality trials have helped guide these choices. In adults whose fracture could be
                realigned without opening the wrist, fixation with wires gave similar function at one year to
                plate fixation. In people aged 65 and over, a plate gave a faster early recovery than a cast,
                but results were similar at one year and there were more complications with surgery. Many
                older adults therefore do well with a cast even if the X-ray position is not perfect.
            """),
            ("Recovery and rehabilitation", """
                While you are in a cast, keep your hand raised for the first few days and move your fingers,
                elbow and shoulder regularly to prevent stiffness. Seek help urgently if pain is increasing,
                the cast feels too tight, or your fingers become numb, pale or hard to move.

                After the cast comes off the wrist will feel stiff and weak. Exercises, sometimes with the
                help of a hand therapist or physiotherapist, restore movement and grip. Most people are back
                to everyday activities within about three months, although strength can go on improving
                for up to a year.

                Possible problems include lasting stiffness, healing in a tilted position, pressure on the
                median nerve, a long-lasting pain condition called complex regional pain syndrome and,
                rarely, a delayed rupture of the tendon that straightens the thumb. Report any of these to
                your team.
            """),
        ],
        "references": [
            ref("Nellans KW, Kowalski E, Chung KC", "The epidemiology of distal radius fractures", "Hand Clin",
                2012, "28", "2", "113-125"),
            ref("Costa ML, Achten J, Parsons NR, Rangan A, Griffin D, Tubeuf S, et al.",
                "Percutaneous fixation with Kirschner wires versus volar locking plate fixation in adults with "
                "dorsally displaced fracture of distal radius: randomised controlled trial", "BMJ", 2014,
                "349", "", "g4807"),
            ref("Arora R, Lutz M, Deml C, Krappinger D, Haug L, Gabl M",
                "A prospective randomized trial comparing nonoperative treatment with volar locking plate "
                "fixation for displaced and unstable distal radial fractures in patients sixty-five years of "
                "age and older", "J Bone Joint Surg Am", 2011, "93", "23", "2146-2153"),
        ],
    },
    {
        "slug": "scaphoid-fracture",
        "title": "Scaphoid Fracture",
        "category": "fractures",
        "author": "dr-tomas-reyes",
        "reviewer": "dr-meera-iyer",
        "published": date(2024, 8, 14),
        "featured": False,
        "motif": "scaphoid",
        "image_alt": "Schematic drawing of the wrist bones with one small bone on the thumb side, the scaphoid, "
                     "highlighted in red.",
        "image_caption": "The scaphoid sits at the base of the thumb, bridging the two rows of wrist bones.",
        "tags": ["wrist", "fracture", "scaphoid", "sports injury"],
        "lead": md("""
            The scaphoid is a small, boat-shaped bone on the thumb side of the wrist. It is the wrist bone
            that breaks most often, usually in young, active adults after a fall onto an outstretched hand
            or a sports injury.

            A scaphoid fracture can look like a sprain and may not show on the first X-rays, yet it matters
            because the bone has a fragile blood supply and may not heal if the injury is missed.
        """),
        "sections": [
            ("Why the scaphoid is special", """
                The scaphoid links the two rows of small bones (carpals) in the wrist, which makes it
                vulnerable when the wrist is forced backwards. Most fractures are across its narrow middle,
                called the waist; fewer affect the end nearest the thumb (distal pole) or the end nearest the
                forearm (proximal pole) [@1].

                Blood reaches the scaphoid mainly through vessels that enter near its thumb end and then flow
                back through the bone. A break can cut off the supply to the part beyond it, so fractures
                nearer the proximal pole are slower to heal and more likely to fail to unite, and part of
                the bone can even die (avascular necrosis).
            """),
            ("Symptoms and diagnosis", """
                The wrist is painful on the thumb side, sometimes with only mild swelling. Typical findings
                are tenderness in the hollow at the base of the thumb (the "anatomical snuffbox"), tenderness
                over the bony bump on the palm side of the wrist, and pain when the thumb is pushed along its
                length towards the wrist [@2].

                X-rays with special scaphoid views are taken first, but up to a fifth of fractures may not
                be visible at this stage. If a fracture is suspected despite normal X-rays, the wrist is
                protected in a splint and further imaging is arranged: an MRI scan, ideally soon after the
                injury, or repeat X-rays after 10 to 14 days. CT scans help to measure displacement and to
                check healing.
            """),
            ("Treatment", """
                **Undisplaced and minimally displaced waist fractures** are usually treated in a below-elbow
                cast for six to ten weeks, and most heal. A large UK trial (SWIFFT) compared early surgery
                with a cast for adults whose waist fracture was displaced by 2 mm or less, with prompt
                surgery for any fracture that failed to heal. At one year there was no meaningful difference
                in wrist pain or function, and surgery carried more complications.

                **Surgery** is usually recommended when the fracture is clearly displaced (more than about
                2 mm), when it is near the proximal pole, or when a fracture has not healed (non-union). The
                bone is generally fixed with a headless compression screw that sits buried inside it, through
                a small incision. A bone graft may be needed for long-standing non-union.

                Healing is confirmed on imaging, often a CT scan, before the wrist is fully loaded [@1].
            """),
            ("Complications and outlook", """
                Most scaphoid fractures that are diagnosed and treated promptly heal well. The main risks are
                non-union, avascular necrosis and, if a non-union is left untreated for years, a gradual
                pattern of wrist arthritis. This is why follow-up continues until the fracture has healed.

                Wrist stiffness is common after a long period in a cast and improves with exercises. Return
                to contact sport and heavy manual work depends on healing and is usually discussed with your
                surgeon once union has been confirmed.
            """),
        ],
        "references": [
            ref("Dias JJ, Brealey SD, Fairhurst C, Amirfeyz R, Bhowal B, Blewitt N, et al.",
                "Surgery versus cast immobilisation for adults with a bicortical fracture of the scaphoid waist "
                "(SWIFFT): a pragmatic, multicentre, open-label, randomised superiority trial", "Lancet", 2020,
                "396", "10248", "390-401", doi="10.1016/S0140-6736(20)30931-4"),
            ref("Garala K, Taub NA, Dias JJ", "The epidemiology of fractures of the scaphoid: impact of age, "
                "gender, deprivation and seasonality", "Bone Joint J", 2016, "98-B", "5", "654-659"),
        ],
    },
    # ----------------------------------------------------------------------------------- diseases
    {
        "slug": "osteoarthritis-of-the-knee",
        "title": "Osteoarthritis of the Knee",
        "category": "diseases",
        "author": "dr-meera-iyer",
        "reviewer": "dr-tomas-reyes",
        "published": date(2024, 2, 6),
        "featured": True,
        "motif": "knee",
        "image_alt": "Schematic side view of a knee joint: the thigh bone, shin bone and kneecap, with a "
                     "narrowed orange joint line and small bony spurs at the edges.",
        "image_caption": "In osteoarthritis the joint space narrows and small bony spurs (osteophytes) form at "
                         "the edges of the joint.",
        "tags": ["osteoarthritis", "knee", "arthritis", "exercise"],
        "lead": md("""
            Osteoarthritis is the most common form of arthritis, and the knee is one of the joints it
            affects most. It causes pain, stiffness and difficulty with activities such as walking, climbing
            stairs and kneeling.

            It is not simply "wear and tear": the whole joint is involved and keeps trying to repair itself.
            Most people can reduce their symptoms a great deal with exercise, weight management and simple
            pain relief, and only some will ever need surgery.
        """),
        "sections": [
            ("What happens inside the joint", """
                Healthy knee joints are lined with smooth cartilage and lubricated by joint fluid. In
                osteoarthritis the cartilage gradually thins and roughens, the bone underneath thickens and
                grows small bony spurs (osteophytes) at the edges, and the joint lining can become inflamed.
                The ligaments and muscles around the joint are affected too [@1].

                The knee has three compartments: inner (medial), outer (lateral) and behind the kneecap
                (patellofemoral). The inner compartment is most often affected, which can make the legs
                slowly become more bow-legged.
            """),
            ("Who gets it?", """
                Knee osteoarthritis becomes more common from middle age onwards. Things that increase the
                risk include:

                - being older, and being a woman;
                - being overweight, which increases the load on the knee and may also act through
                  inflammation;
                - a previous knee injury, such as a torn anterior cruciate ligament or meniscus;
                - the alignment of the legs, such as being bow-legged or knock-kneed;
                - a family history of osteoarthritis;
                - jobs with a lot of kneeling, squatting or heavy lifting [@2].
            """),
            ("Symptoms and diagnosis", """
                The main symptom is pain that comes on with activity and eases with rest, although it can
                become more constant over time. Other common symptoms are:

                - short-lived stiffness in the morning or after sitting;
                - grating or crunching (crepitus) when the knee moves;
                - swelling, and a knee that feels weak or gives way;
                - less ability to bend or straighten the knee fully.

                Doctors in the UK can usually diagnose osteoarthritis without tests in someone aged 45 or
                over who has activity-related joint pain and either no morning stiffness or stiffness lasting
                no longer than 30 minutes. X-rays are not needed to make the diagnosis, and the X-ray
                appearance often matches the level of pain poorly. Tests are used when the picture is
                unusual or when surgery is being considered [@3].
            """),
            ("Treatment", """
                **Core treatments for everyone.** Understanding the condition, regular exercise and, if you
                are overweight, losing weight are the foundations. Exercises that strengthen the thigh and
                hip muscles, together with general activity such as walking, cycling or swimming, reduce pain
                and improve function; the benefit is similar to that of many pain medicines, without their
                side effects. Even modest weight loss takes a noticeable load off the knee.

                **Pain relief.** Anti-inflammatory gels rubbed onto the knee are a good first choice. Tablets
                such as ibuprofen or naproxen can help but should be used at the lowest effective dose for
                the shortest time, often with a medicine to protect the stomach. UK guidance advises against
                routine use of paracetamol or weak opioids for osteoarthritis, and strong opioids should not
                be used. A steroid injection into the knee can give relief for a few weeks, which may help you
                get going with exercise.

                **Treatments that are not recommended.** Keyhole surgery to wash out or tidy the joint does not
                help osteoarthritis unless the knee is truly locking, and guidance also advises against
                glucosamine and hyaluronic acid injections.

                **Surgery.** Knee replacement, of the whole joint or one compartment, is considered when
                symptoms seriously affect your quality of life despite non-surgical treatment. In younger,
                active people with arthritis in one compartment, an operation to realign the bone
                (osteotomy) is sometimes an option.
            """),
            ("Living well with knee osteoarthritis", """
                Symptoms often come and go. During a flare, ease back on the activities that aggravate the
                knee rather than stopping altogether, and use short-term pain relief, ice or heat. Pacing,
                supportive footwear and a walking stick held in the opposite hand can all help.

                Seek urgent medical advice if the knee becomes hot, red and very swollen, especially if you
                feel feverish, as this can be a sign of infection.
            """),
        ],
        "references": [
            ref("Hunter DJ, Bierma-Zeinstra S", "Osteoarthritis", "Lancet", 2019, "393", "10182", "1745-1759",
                doi="10.1016/S0140-6736(19)30417-9"),
            ref("Fransen M, McConnell S, Harmer AR, Van der Esch M, Simic M, Bennell KL",
                "Exercise for osteoarthritis of the knee", "Cochrane Database Syst Rev", 2015, "1", "",
                "CD004376"),
            SKOU_2015,
            NICE_OA,
        ],
    },
    {
        "slug": "osteoporosis",
        "title": "Osteoporosis",
        "category": "diseases",
        "author": "dr-meera-iyer",
        "reviewer": "dr-tomas-reyes",
        "published": date(2025, 11, 4),
        "featured": True,
        "motif": "porous",
        "image_alt": "Two circles representing slices of bone: on the left dense bone with a few small holes, "
                     "on the right porous bone with many larger holes.",
        "image_caption": "In osteoporosis the inner honeycomb of bone becomes thinner and more porous, so bones "
                         "break more easily.",
        "tags": ["osteoporosis", "bone health", "fracture", "menopause"],
        "lead": md("""
            Osteoporosis is a condition in which bones lose density and strength, so they break more easily.
            It causes no symptoms until a bone breaks, often after a minor fall, most commonly at the wrist,
            hip or spine.

            In the UK around half of women and one in five men over the age of 50 will break a bone, mainly
            because of poor bone health. Osteoporosis can be assessed and treated, and the risk of fractures
            can be reduced substantially.
        """),
        "sections": [
            ("What happens to the bones", """
                Bone is living tissue that is constantly broken down and rebuilt. Up to early adulthood more
                bone is built than removed, and bone mass peaks in the late twenties or early thirties. After
                that, removal gradually outpaces building [@1].

                In women, the fall in oestrogen at the menopause speeds up bone loss for several years. The
                inner honeycomb (trabecular) bone becomes thinner with bigger gaps, and the outer shell thins.
                A fracture caused by a fall from standing height or less is called a fragility fracture and
                is a warning sign of osteoporosis.
            """),
            ("Who is at risk?", """
                The risk rises with age and is higher in women. Other important risk factors are:

                - a previous fragility fracture, or a parent who broke a hip;
                - taking steroid tablets such as prednisolone for three months or longer;
                - early menopause, or low testosterone in men;
                - a low body weight, smoking, and drinking more than about three units of alcohol a day;
                - conditions such as rheumatoid arthritis, coeliac disease, an overactive thyroid or
                  parathyroid, and some hormone treatments for breast or prostate cancer;
                - long periods of immobility [@2].
            """),
            ("Assessment and diagnosis", """
                Your doctor can estimate your chance of a fracture over the next ten years using a
                calculator such as FRAX, which combines age, sex, weight, height and clinical risk factors.
                Depending on the result, a bone density scan (DXA) of the hip and spine may be arranged [@3].

                The DXA result is given as a T-score, which compares your bone density with that of a
                healthy young adult. A T-score of -2.5 or lower means osteoporosis; between -1 and -2.5 is
                sometimes called low bone mass or osteopenia. Treatment decisions rest on the overall
                fracture risk rather than the T-score alone. Blood tests look for other conditions that
                weaken bones, and a spine X-ray or scan may be advised after height loss or back pain to
                look for vertebral fractures.
            """),
            ("Treatment", """
                **Bisphosphonates** slow bone breakdown and are usually the first choice. Alendronate is taken
                once a week on an empty stomach with a full glass of plain water; you then stay upright and
                do not eat for at least 30 minutes. Zoledronic acid is given as a drip once a year.

                **Denosumab** is an injection every six months. It must not be stopped without a plan for
                follow-on treatment, because bone loss then rebounds quickly and can lead to spinal
                fractures.

                **Bone-building treatments** such as teriparatide (a daily injection for up to two years) or
                romosozumab (monthly injections for a year) are used for people at very high risk, followed
                by a bone-preserving medicine. **Hormone replacement therapy** can be an option for younger
                women after the menopause.

                Serious side effects are rare. They include osteonecrosis of the jaw, so have a dental
                check-up before starting and keep up good oral care, and unusual thigh bone fractures, so
                report any new thigh or groin pain. Treatment is usually reviewed after three to five
                years.
            """),
            ("Protecting your bones and preventing falls", """
                - **Exercise:** combine impact exercise (such as brisk walking, stair climbing or jogging, if
                  safe for you), muscle-strengthening exercise, and balance training such as tai chi.
                - **Calcium and vitamin D:** adults need about 700 mg of calcium a day, mostly from food. A
                  daily vitamin D supplement of 10 micrograms is advised for everyone in the UK in autumn and
                  winter, and all year round for people who get little sun.
                - **Lifestyle:** stop smoking, keep alcohol within recommended limits and eat enough protein.
                - **Falls:** remove trip hazards, improve lighting, have your eyesight checked and ask for a
                  review of medicines that cause dizziness or drowsiness. Many areas offer falls prevention
                  programmes.

                If you have broken a bone after a minor fall, ask whether a fracture liaison service can
                assess your bone health.
            """),
        ],
        "references": [
            ref("Compston JE, McClung MR, Leslie WD", "Osteoporosis", "Lancet", 2019, "393", "10169", "364-376"),
            ref("Gregson CL, Armstrong DJ, Bowden J, Cooper C, Edwards J, Gittoes NJL, et al.",
                "UK clinical guideline for the prevention and treatment of osteoporosis", "Arch Osteoporos",
                2022, "17", "1", "58", doi="10.1007/s11657-022-01061-5"),
            ref("Kanis JA, Johnell O, Oden A, Johansson H, McCloskey E",
                "FRAX and the assessment of fracture probability in men and women from the UK",
                "Osteoporos Int", 2008, "19", "4", "385-397"),
        ],
    },
    # ---------------------------------------------------------------------------- spine disorders
    {
        "slug": "lumbar-disc-herniation",
        "title": "Lumbar Disc Herniation (Slipped Disc)",
        "category": "spine-disorders",
        "author": "dr-tomas-reyes",
        "reviewer": "dr-meera-iyer",
        "published": date(2024, 10, 2),
        "featured": True,
        "motif": "disc",
        "image_alt": "Side view of a stack of lumbar vertebrae with the discs between them; one disc near the "
                     "bottom bulges backwards and is highlighted in red.",
        "image_caption": "A herniated disc can press on a nerve root and cause pain that travels down the leg "
                         "(sciatica).",
        "tags": ["back pain", "sciatica", "spine", "disc"],
        "lead": md("""
            The discs between the bones of the spine act as shock absorbers. Each has a tough outer ring
            and a softer, jelly-like centre. In a herniated or "slipped" disc, part of the centre pushes out
            through a tear in the outer ring and can press on a nearby nerve.

            In the lower back this usually causes sciatica: pain, numbness or tingling that spreads down the
            leg. It is most common between the ages of 30 and 50, and most people improve within six to
            twelve weeks without an operation.
        """),
        "sections": [
            ("How a disc herniates", """
                With age the discs lose water and become less elastic, and small tears can develop in the
                outer ring. A herniation may follow lifting, bending or twisting, but often there is no clear
                trigger. The discs between the fourth and fifth lumbar vertebrae (L4/5) and between the
                fifth lumbar vertebra and the sacrum (L5/S1) are affected most often [@1].

                Scan reports use several words, such as bulge, protrusion, extrusion and sequestration, to
                describe how far disc material has moved. Disc bulges are very common in people with no pain
                at all, so what the scan shows has to be matched with your symptoms.
            """),
            ("Symptoms, and when to get help urgently", """
                Typical symptoms are leg pain that is often worse than the back pain and travels below the
                knee, sometimes into the foot, along with pins and needles, numbness or weakness in part of
                the leg. Pain is often worse with sitting, bending and coughing [@2].

                **Go to an emergency department immediately** if you have any signs of cauda equina
                syndrome, a rare but serious compression of the nerves at the bottom of the spine:

                - numbness around the back passage, genitals or inner thighs (the "saddle" area);
                - new difficulty passing urine, or loss of bladder or bowel control;
                - new loss of sexual sensation or function;
                - sciatica in both legs, or weakness in the legs that is getting worse.
            """),
            ("Diagnosis", """
                The diagnosis is based on your symptoms and an examination of the nerves in your legs,
                including strength, sensation and reflexes. Raising the straight leg while lying down often
                reproduces the leg pain [@3].

                An MRI scan is not needed for most people in the first weeks. It is arranged urgently if
                cauda equina syndrome or another serious cause is suspected, and otherwise when symptoms have
                not settled after about six weeks and an injection or surgery is being considered.
            """),
            ("Non-surgical treatment", """
                - **Keep moving.** Bed rest does not help and can slow recovery. Continue normal activities as
                  far as the pain allows, with short rests when needed.
                - **Pain relief.** Anti-inflammatory medicines can help some people. UK guidance advises
                  against gabapentinoids, other epilepsy medicines, steroid tablets and benzodiazepines for
                  sciatica, because there is no overall evidence of benefit and they can cause harm.
                - **Exercise and physiotherapy** help you stay active and manage flare-ups.
                - **Spinal injection.** For severe, acute sciatica, an epidural injection of local anaesthetic
                  and steroid can reduce pain for a time while the disc settles.

                Over time, herniated disc material often shrinks as the body reabsorbs it, which is why many
                people recover without surgery [@2, 3, 4].
            """),
            ("Surgery", """
                The usual operation is a microdiscectomy, in which the surgeon removes the piece of disc
                pressing on the nerve through a small incision. It is done as an emergency for cauda equina
                syndrome, urgently for severe or worsening weakness, and otherwise considered for leg pain
                that remains disabling after six to twelve weeks of non-surgical treatment.

                In trials, people who had early surgery recovered from leg pain faster than those who
                continued non-surgical care, but after a year the two groups were, on average, doing
                similarly well. The choice therefore depends largely on how severe your pain is and how
                long you are willing to wait for it to settle. Risks include infection, a leak of spinal
                fluid, nerve injury and a further herniation at the same level in a minority of people.
            """),
        ],
        "references": [
            ref("Deyo RA, Mirza SK", "Herniated lumbar intervertebral disk", "N Engl J Med", 2016, "374", "18",
                "1763-1772"),
            ref("Peul WC, van Houwelingen HC, van den Hout WB, Brand R, Eekhof JA, Tans JT, et al.",
                "Surgery versus prolonged conservative treatment for sciatica", "N Engl J Med", 2007, "356",
                "22", "2245-2256", doi="10.1056/NEJMoa064039"),
            ref("Weinstein JN, Tosteson TD, Lurie JD, Tosteson AN, Hanscom B, Skinner JS, et al.",
                "Surgical vs nonoperative treatment for lumbar disk herniation: the Spine Patient Outcomes "
                "Research Trial (SPORT): a randomized trial", "JAMA", 2006, "296", "20", "2441-2450",
                doi="10.1001/jama.296.20.2441", pmid="17119140"),
            NICE_BACK,
        ],
    },
    {
        "slug": "adolescent-idiopathic-scoliosis",
        "title": "Adolescent Idiopathic Scoliosis",
        "category": "spine-disorders",
        "author": "dr-tomas-reyes",
        "reviewer": "dr-meera-iyer",
        "published": date(2025, 1, 22),
        "featured": False,
        "motif": "scoliosis",
        "image_alt": "Schematic drawing of a column of vertebrae curving gently to one side, as seen in "
                     "scoliosis.",
        "image_caption": "Scoliosis is a sideways curve of the spine combined with a twist of the vertebrae.",
        "tags": ["scoliosis", "spine", "children", "brace"],
        "lead": md("""
            Scoliosis is a sideways curve of the spine, combined with a twist of the vertebrae. When it
            develops in a young person between about the age of ten and the end of growth, and no
            underlying cause is found, it is called adolescent idiopathic scoliosis.

            It affects around two to three in every hundred adolescents. Most curves stay small and need
            only monitoring; a minority grow during the adolescent growth spurt and need a brace or,
            occasionally, surgery.
        """),
        "sections": [
            ("What it is and who gets it", """
                "Idiopathic" means that the cause is not known. Genes play a part, and scoliosis often runs
                in families. Small curves are about as common in boys as in girls, but curves that grow large
                enough to need treatment are much more common in girls [@1].

                Scoliosis is not caused by poor posture, carrying a heavy school bag, sleeping position or
                playing sport, and nothing the young person or family did could have prevented it.
            """),
            ("Signs to look out for", """
                Scoliosis is usually painless and is often first noticed by a parent, a friend or at a sports
                or swimming session. Signs include:

                - one shoulder higher than the other, or one shoulder blade sticking out;
                - an uneven waist, or one hip appearing higher;
                - the body leaning to one side;
                - a hump on one side of the back when bending forward (the forward bending test).

                Significant back pain, pain at night, or symptoms such as numbness, weakness or bladder
                changes are not typical and should prompt further investigation, often including an MRI
                scan, to look for another cause [@2].
            """),
            ("Diagnosis and monitoring", """
                The curve is measured on a standing X-ray of the whole spine, as an angle called the Cobb
                angle. Scoliosis is diagnosed when this angle is 10 degrees or more. The X-ray also shows how
                much growing remains, which, together with the size of the curve, is the best guide to the
                risk of it getting bigger [@3].

                Growing young people with a curve are usually reviewed every four to six months. Where
                available, low-dose imaging systems reduce the radiation from repeated X-rays.
            """),
            ("Treatment", """
                **Observation.** Smaller curves (generally under 20 to 25 degrees) are monitored without
                treatment.

                **Bracing.** For young people who are still growing and have curves of roughly 20 to 40
                degrees, a custom-made brace worn for most of the day aims to stop the curve from getting
                worse; it does not usually straighten it. A landmark trial found that bracing markedly
                reduced the number of curves that reached the threshold for surgery, and the more hours a
                day the brace was worn, the better the results.

                **Surgery.** Curves that reach about 45 to 50 degrees tend to keep increasing even after
                growth has finished, so surgery is usually offered. The operation, a spinal fusion,
                straightens and holds the spine with rods and screws while the treated section of spine
                fuses into solid bone. Most young people return to school within a few weeks and to most
                sports within six to twelve months, guided by their surgeon.

                Scoliosis-specific exercises may help posture and strength alongside other treatment, but
                the evidence that they control curve growth on their own is limited.
            """),
            ("Living with scoliosis", """
                Most people with adolescent idiopathic scoliosis lead full, active lives, including sport,
                work and pregnancy. Curves under about 30 degrees at the end of growth rarely progress in
                adulthood, while larger curves may increase slowly over many years and need occasional
                review.

                Worries about appearance and wearing a brace are common and understandable. Talking to the
                clinical team, and to other young people who have been through treatment, can help.
            """),
        ],
        "references": [
            ref("Weinstein SL, Dolan LA, Cheng JC, Danielsson A, Morcuende JA", "Adolescent idiopathic scoliosis",
                "Lancet", 2008, "371", "9623", "1527-1537"),
            ref("Weinstein SL, Dolan LA, Wright JG, Dobbs MB", "Effects of bracing in adolescents with idiopathic "
                "scoliosis", "N Engl J Med", 2013, "369", "16", "1512-1521", doi="10.1056/NEJMoa1307337",
                pmid="24047455"),
            ref("Cheng JC, Castelein RM, Chu WC, Danielsson AJ, Dobbs MB, Grivas TB, et al.",
                "Adolescent idiopathic scoliosis", "Nat Rev Dis Primers", 2015, "1", "", "15030",
                doi="10.1038/nrdp.2015.30"),
        ],
    },
    # ------------------------------------------------------------------------------------ anatomy
    {
        "slug": "bones-of-the-human-body",
        "title": "Bones of the Human Body",
        "category": "anatomy",
        "author": "dr-meera-iyer",
        "reviewer": "dr-tomas-reyes",
        "published": date(2025, 3, 10),
        "featured": False,
        "motif": "bones",
        "image_alt": "Illustration of several stylised long bones scattered at different angles, one of them "
                     "highlighted in orange.",
        "image_caption": "The adult skeleton usually has 206 bones of many shapes and sizes.",
        "tags": ["anatomy", "bone", "skeleton"],
        "lead": md("""
            The adult human skeleton usually has 206 bones. A newborn baby has many more separate pieces of
            bone and cartilage, which gradually fuse together during childhood and adolescence.

            Bones do far more than hold us up: they protect our organs, let us move, store minerals and make
            blood cells. This article gives an overview of how the skeleton is organised and how bone is
            built.
        """),
        "sections": [
            ("What the skeleton does", """
                - **Support:** it gives the body its shape and carries its weight [@2].
                - **Protection:** the skull surrounds the brain, the ribs and breastbone shield the heart and
                  lungs, and the vertebrae enclose the spinal cord.
                - **Movement:** bones act as levers that muscles pull on, and joints let them move against one
                  another.
                - **Mineral store:** almost all of the body's calcium, and much of its phosphate, is held in
                  bone and released when needed.
                - **Blood formation:** red bone marrow, found mainly in the pelvis, spine, ribs, breastbone
                  and the ends of long bones in adults, makes red cells, white cells and platelets.
            """),
            ("The axial and appendicular skeleton", """
                Anatomists divide the skeleton into two parts [@2].

                **The axial skeleton (80 bones)** forms the central axis of the body: the skull (22 bones),
                the six tiny bones of the middle ears, the hyoid bone in the neck, the vertebral column (26
                bones: 7 cervical, 12 thoracic and 5 lumbar vertebrae, the sacrum and the coccyx) and the
                chest (24 ribs and the breastbone).

                **The appendicular skeleton (126 bones)** forms the limbs and the girdles that attach them.
                Each upper limb, including the collarbone and shoulder blade, has 32 bones, 27 of them in the
                wrist and hand. Each lower limb, including the hip bone, has 31 bones, 26 of them in the
                ankle and foot.

                The numbers vary a little between people: some have an extra rib, extra small bones in
                tendons, or differences in how the sacrum and coccyx are fused.
            """),
            ("Bones come in different shapes", """
                - **Long bones** are longer than they are wide, such as the thigh bone (femur), the upper arm
                  bone (humerus) and the finger bones. The femur is the longest and strongest bone in the
                  body [@3].
                - **Short bones** are roughly cube-shaped, such as the carpal bones of the wrist and the
                  tarsal bones of the ankle.
                - **Flat bones** are thin and often curved, such as the bones of the skull vault, the ribs,
                  the breastbone and the shoulder blade.
                - **Irregular bones** have complex shapes, such as the vertebrae and some bones of the face.
                - **Sesamoid bones** develop inside tendons. The kneecap (patella) is the largest; the
                  smallest bone in the body, the stapes, is in the middle ear.
            """),
            ("How bone is built", """
                Bone has a dense outer layer of **cortical (compact) bone**, which makes up most of the
                skeleton's weight, and an inner mesh of **trabecular (spongy) bone**, which is concentrated in
                the ends of long bones and in the vertebrae. A tough membrane, the periosteum, covers the
                outside and contains nerves and blood vessels, which is why a fracture is so painful.

                Bone is living tissue. Cells called osteoblasts build new bone, osteoclasts remove old bone,
                and osteocytes, buried in the bone itself, sense the strains placed on it and direct repairs.
                This constant renewal, known as remodelling, replaces a large part of the adult skeleton over
                roughly a decade and lets bone adapt to the loads it carries.

                Bone mass peaks in early adulthood. Weight-bearing and strengthening exercise, enough calcium
                and vitamin D, not smoking and moderate alcohol intake all help to keep bones strong.
            """),
        ],
        "references": [
            ref("Clarke B", "Normal bone anatomy and physiology", "Clin J Am Soc Nephrol", 2008, "3", "Suppl 3",
                "S131-S139"),
            GRAYS,
            book("Clinically oriented anatomy", authors="Moore KL, Dalley AF, Agur AMR", edition="8",
                 place="Philadelphia", publisher="Wolters Kluwer", year=2018),
        ],
    },
    {
        "slug": "elbow-joint-anatomy",
        "title": "Elbow Joint Anatomy",
        "category": "anatomy",
        "author": "dr-tomas-reyes",
        "reviewer": "dr-meera-iyer",
        "published": date(2025, 5, 28),
        "featured": False,
        "motif": "elbow",
        "image_alt": "Schematic drawing of an elbow: the upper arm bone meeting the two forearm bones at a "
                     "rounded joint, outlined by two orange arcs representing the ligaments.",
        "image_caption": "The elbow joins the upper arm bone to the two forearm bones inside a single joint "
                         "capsule.",
        "tags": ["elbow", "anatomy", "joint"],
        "lead": md("""
            The elbow joins the upper arm to the forearm. It works both as a hinge, letting you bend and
            straighten the arm, and as a pivot, letting you turn the palm up and down.

            Knowing its bones, ligaments, muscles and nerves helps to explain common elbow problems, from
            tennis elbow to a trapped ulnar nerve.
        """),
        "sections": [
            ("Bones and joints", """
                Three bones meet at the elbow: the **humerus** (upper arm bone), and the **ulna** and
                **radius** (forearm bones). Together they form three joints that share one capsule:

                - the **ulnohumeral joint**, a hinge between the spool-shaped trochlea of the humerus and the
                  deep notch of the ulna, whose tip, the olecranon, is the point of the elbow;
                - the **radiocapitellar joint**, between the rounded capitulum of the humerus and the
                  dish-shaped head of the radius;
                - the **proximal radioulnar joint**, where the radial head spins within a ring-like ligament,
                  allowing the forearm to rotate.

                The bony bumps you can feel on either side are the medial and lateral epicondyles of the
                humerus, which anchor ligaments and muscles [@1].
            """),
            ("Movement", """
                A healthy elbow bends from straight (0 degrees) to about 145 degrees and rotates the forearm
                through roughly 75 to 85 degrees in each direction: palm down (pronation) and palm up
                (supination). Most everyday tasks need only about 30 to 130 degrees of bending and around 50
                degrees of rotation each way, which is why people can often manage well with some loss of
                movement [@2].
            """),
            ("Ligaments and stability", """
                The elbow is one of the most stable joints in the body, thanks to the close fit of its bones
                together with strong ligaments and surrounding muscles [@3].

                - The **medial (ulnar) collateral ligament**, on the inner side, resists forces that bend the
                  forearm outwards. Its front band is especially important in throwing sports and can be
                  injured in baseball pitchers and javelin throwers.
                - The **lateral collateral ligament complex**, on the outer side, includes a band to the ulna
                  that prevents the forearm from rotating and slipping out of joint at the back. Injury to it
                  can cause a pattern of recurrent instability.
                - The **annular ligament** wraps around the radial head and holds it against the ulna.
            """),
            ("Muscles, tendons and nerves", """
                The **biceps** and **brachialis** bend the elbow, helped by the brachioradialis; the biceps is
                also the strongest muscle for turning the palm up. The **triceps** straightens the elbow and
                attaches to the olecranon.

                The muscles that extend the wrist and fingers start from the lateral epicondyle; overload of
                their shared tendon causes **tennis elbow**. The wrist and finger flexors start from the medial
                epicondyle, the site of **golfer's elbow**.

                Three major nerves cross the elbow. The **ulnar nerve** runs behind the medial epicondyle in
                the cubital tunnel; knocking it gives the tingling of the "funny bone", and pressure on it
                can cause numbness in the little and ring fingers. The **median nerve** and the brachial
                artery pass in front of the joint, and the **radial nerve** lies on the outer side, where it
                divides into branches that supply the forearm and hand.
            """),
            ("Common elbow problems", """
                - tennis elbow and golfer's elbow (tendon overload);
                - swelling of the fluid-filled sac over the point of the elbow (olecranon bursitis);
                - fractures of the radial head, the olecranon or, in children, the lower humerus just above
                  the elbow;
                - dislocation after a fall;
                - "pulled elbow" in toddlers, when the radial head slips partly out of the annular ligament;
                - compression of the ulnar nerve (cubital tunnel syndrome).
            """),
        ],
        "references": [
            ref("Morrey BF, An KN", "Articular and ligamentous contributions to the stability of the elbow joint",
                "Am J Sports Med", 1983, "11", "5", "315-319"),
            ref("O'Driscoll SW, Bell DF, Morrey BF", "Posterolateral rotatory instability of the elbow",
                "J Bone Joint Surg Am", 1991, "73", "3", "440-446"),
            GRAYS,
        ],
    },
    # ----------------------------------------------------------------------------- patient guides
    {
        "slug": "preparing-for-knee-replacement-surgery",
        "title": "Preparing for Knee Replacement Surgery",
        "category": "patient-guides",
        "author": "dr-meera-iyer",
        "reviewer": "dr-tomas-reyes",
        "published": date(2025, 7, 15),
        "featured": False,
        "motif": "knee-implant",
        "image_alt": "Schematic side view of a knee joint with light grey metal components capping the end of "
                     "the thigh bone and the top of the shin bone.",
        "image_caption": "In a total knee replacement, the worn joint surfaces are replaced with metal and "
                         "plastic parts.",
        "tags": ["knee replacement", "surgery", "osteoarthritis", "rehabilitation"],
        "lead": md("""
            Knee replacement is one of the most common and successful operations for advanced knee
            arthritis. Preparing well, both physically and at home, can make your stay in hospital shorter
            and your recovery smoother.

            This guide covers the decision to have surgery, getting ready in the weeks beforehand, what to
            expect in hospital and the first months at home.
        """),
        "sections": [
            ("Is a knee replacement right for you?", """
                Surgery is considered when arthritis pain, stiffness and reduced mobility have a major effect
                on your life despite non-surgical treatment such as exercise, weight loss and pain relief.
                There is no X-ray score or age that decides it: it is a shared decision between you and your
                surgeon [@1].

                Most people get substantial relief from pain and better mobility, and around eight in ten
                knee replacements are still working 25 years later. However, about one in five people remain
                dissatisfied, often because of ongoing pain or stiffness. A randomised trial found that
                replacement combined with a programme of exercise and education gave greater improvement
                than the programme alone, but with more serious complications; many people in the
                non-surgical group also improved. Ask your surgeon what outcome is realistic for you.
            """),
            ("Getting fit for surgery", """
                - **Pre-operative assessment.** A nurse will check your health, medicines and allergies and
                  arrange tests such as blood tests, a heart trace (ECG) and swabs for infection [@2].
                - **Medicines.** Tell the team about all your medicines, especially blood thinners, diabetes
                  medicines and anti-inflammatories; some need to be stopped or changed before surgery.
                - **Stop smoking.** Smoking increases the risk of wound and chest infections and slows
                  healing. Help to stop is available from your GP or pharmacist.
                - **Treat infections first.** Have any dental problems, skin sores or urine infections
                  treated before the operation, because infection can spread to a new joint.
                - **Exercise.** Strengthening your thigh muscles and keeping your knee moving before surgery
                  (sometimes called prehabilitation) makes the exercises afterwards easier.
                - **Long-term conditions.** Good control of diabetes and treatment of anaemia lower the risk
                  of complications.
            """),
            ("Preparing your home", """
                - Clear trip hazards such as loose rugs and trailing cables, and make sure the path from bed
                  to bathroom is well lit [@1].
                - Have a firm chair with arms at a height that lets you stand up easily, and put everyday
                  items within reach between waist and shoulder height.
                - Stock up on easy meals, and arrange for someone to help with shopping, cleaning and
                  lifting for the first week or two.
                - Ask whether you need equipment such as a raised toilet seat; an occupational therapist may
                  assess this.
                - Plan transport home. Most people are not ready to drive for about six weeks: you must be
                  able to perform an emergency stop safely, and you should check with your insurer.
            """),
            ("In hospital", """
                The operation is usually done under a spinal anaesthetic, often with sedation, or a general
                anaesthetic, and takes around one to two hours. Many hospitals follow an enhanced recovery
                programme, so you will be encouraged to get up and walk with help on the day of surgery or
                the next day. Most people go home after one to three days.

                You will be given pain relief, and treatment to reduce the risk of blood clots, usually
                injections or tablets for a couple of weeks together with early walking. Physiotherapists
                will teach you exercises and check that you can manage stairs and walking aids safely
                before you leave.
            """),
            ("Recovery at home", """
                Doing your exercises every day is the most important part of recovery. Aim to bend the knee
                to at least 90 degrees and straighten it fully within the first weeks. Swelling and warmth
                can last for several months; rest with the leg raised and use ice packs wrapped in a cloth.

                Most people use crutches or a stick for a few weeks, return to office work after six to
                eight weeks and to more physical work after about three months. Improvement continues for
                up to a year.

                **Call 999** if you develop chest pain or sudden breathlessness. **Contact your surgical team
                promptly** if your calf becomes painful or swollen, the wound becomes red, hot or leaks
                fluid, you develop a fever, or pain is getting worse rather than better.
            """),
        ],
        "references": [
            ref("Price AJ, Alvand A, Troelsen A, Katz JN, Hooper G, Gray A, et al.", "Knee replacement",
                "Lancet", 2018, "392", "10158", "1672-1682", doi="10.1016/S0140-6736(18)32344-4"),
            ref("Evans JT, Walker RW, Evans JP, Blom AW, Sayers A, Whitehouse MR",
                "How long does a knee replacement last? A systematic review and meta-analysis of case series "
                "and national registry reports with more than 15 years of follow-up", "Lancet", 2019, "393",
                "10172", "655-663", doi="10.1016/S0140-6736(18)32531-5"),
            SKOU_2015,
        ],
    },
    # --------------------------------------------------------------------------------- procedures
    {
        "slug": "carpal-tunnel-release",
        "title": "Carpal Tunnel Release",
        "category": "procedures",
        "author": "dr-tomas-reyes",
        "reviewer": "dr-meera-iyer",
        "published": date(2025, 9, 9),
        "featured": False,
        "motif": "carpal-tunnel",
        "image_alt": "Schematic drawing of the wrist bones with a pink arc across them representing the "
                     "ligament that forms the roof of the carpal tunnel.",
        "image_caption": "Carpal tunnel release divides the ligament that forms the roof of the tunnel, "
                         "making more room for the median nerve.",
        "tags": ["carpal tunnel", "hand surgery", "nerve", "wrist"],
        "lead": md("""
            Carpal tunnel release is an operation to relieve pressure on the median nerve at the wrist. The
            surgeon divides the tough ligament that forms the roof of the carpal tunnel, giving the nerve
            more space.

            It is one of the most common hand operations. It is usually done as a day case under local
            anaesthetic, and most people notice that night-time pain and tingling improve quickly.
        """),
        "sections": [
            ("Carpal tunnel syndrome in brief", """
                The carpal tunnel is a narrow passage at the front of the wrist, formed by the wrist bones
                and a strong band of tissue called the transverse carpal ligament. The median nerve and nine
                tendons that bend the fingers and thumb pass through it. If pressure in the tunnel rises, the
                nerve is squeezed [@1].

                Typical symptoms are tingling, numbness and pain in the thumb, index, middle and half of the
                ring finger, often worse at night and eased by shaking the hand. Later there may be clumsiness
                and wasting of the muscles at the base of the thumb.

                Around three in every hundred adults have the condition. It is more common in women and
                during pregnancy, and in people with diabetes, an underactive thyroid, rheumatoid arthritis
                or obesity, and in jobs involving forceful gripping or vibrating tools. The diagnosis is
                usually clinical, sometimes supported by nerve conduction studies or ultrasound.
            """),
            ("When is surgery recommended?", """
                Mild or intermittent symptoms often improve with a wrist splint worn at night, or with a
                steroid injection into the carpal tunnel. Surgery is recommended when symptoms persist or
                return despite these measures, when numbness is constant, when there is weakness or muscle
                wasting, or when nerve tests show severe compression [@2].

                In a randomised trial comparing surgery with night splinting, more people were successfully
                treated with surgery. Earlier surgery is advised when there are signs of nerve damage,
                because long-standing compression may not fully recover.
            """),
            ("The operation", """
                Most operations are done under local anaesthetic, sometimes using a technique in which you
                are fully awake and no tourniquet is needed. A few people have a regional or general
                anaesthetic [@3].

                - **Open release:** a short cut is made in the palm, and the ligament is divided under direct
                  vision.
                - **Endoscopic release:** the ligament is divided using a small camera through one or two
                  smaller cuts.

                Both methods have similar results in the long term; endoscopic release may allow a slightly
                quicker return to work for some people. The operation itself takes around 10 to 20 minutes,
                and you go home the same day with a bandage on your hand.
            """),
            ("Recovery", """
                - Keep your hand raised for the first two days and move your fingers gently from the start.
                - Keep the wound clean and dry. Stitches, if they do not dissolve, are usually removed after
                  10 to 14 days.
                - Light use of the hand, such as dressing and eating, is fine early on. Avoid heavy gripping
                  and lifting for about four to six weeks.
                - Tenderness of the scar and aching in the palm on either side of it (pillar pain) are
                  common and usually fade over a few months.
                - Most people return to desk work within one to two weeks and to manual work after four to
                  six weeks. You can drive when you can grip the wheel and control the car safely.

                Night pain and tingling often improve within days. Numbness and weakness recover more slowly,
                over months, and may not recover fully if the nerve was badly damaged before surgery.
            """),
            ("Risks", """
                Carpal tunnel release is generally safe. Possible complications include wound infection or
                slow healing, a tender or sensitive scar, complex regional pain syndrome, and, rarely, injury
                to the nerve or its branches. Symptoms return in a small number of people, occasionally
                needing further surgery.
            """),
        ],
        "references": [
            ref("Padua L, Coraci D, Erra C, Pazzaglia C, Paolasso I, Loreti C, et al.",
                "Carpal tunnel syndrome: clinical features, diagnosis, and management", "Lancet Neurol", 2016,
                "15", "12", "1273-1284"),
            ref("Gerritsen AA, de Vet HC, Scholten RJ, Bertelsmann FW, de Krom MC, Bouter LM",
                "Splinting vs surgery in the treatment of carpal tunnel syndrome: a randomized controlled trial",
                "JAMA", 2002, "288", "10", "1245-1251"),
            ref("Atroshi I, Gummesson C, Johnsson R, Ornstein E, Ranstam J, Rosén I",
                "Prevalence of carpal tunnel syndrome in a general population", "JAMA", 1999, "282", "2",
                "153-158"),
        ],
    },
]


# --- static pages (django.contrib.flatpages) ---------------------------------------------------

FLATPAGES = [
    {
        "url": "/about/",
        "title": "About Bonespine",
        "content": md("""
            <p>Bonespine is a free source of clear, reliable information about bones, joints, muscles and
            the spine. We explain common orthopaedic conditions, injuries and operations in plain English,
            so that patients, families and carers can understand what is happening and talk with their own
            clinicians on an equal footing.</p>
            <h2>Who writes our articles</h2>
            <p>Every article is written by a qualified clinician and checked by a second, medically
            qualified reviewer before it is published. Each page names its author and reviewer, shows when
            it was first published, last updated and last reviewed, and lists the sources it is based on.
            You can read more about each clinician on their author page.</p>
            <h2>How we work</h2>
            <ul>
              <li>We base what we write on good-quality evidence and current guidelines.</li>
              <li>We review every article at least every three years, and sooner when the evidence
              changes.</li>
              <li>We do not carry advertising, and we receive no external funding.</li>
            </ul>
            <p>Our <a href="/editorial-policy/">editorial policy</a> explains this process in full. Please
            read our <a href="/disclaimer/">medical disclaimer</a>: our articles can inform you, but they do
            not replace advice from a professional who knows your situation.</p>
            <p>If you spot a mistake or have a suggestion, please <a href="/contact/">contact us</a>.</p>
        """),
    },
    {
        "url": "/contact/",
        "title": "Contact us",
        "content": md("""
            <p>We welcome comments on our articles. You can email the editorial team at
            <a href="mailto:editors@bonespine.example">editors@bonespine.example</a>.</p>
            <h2>What to write to us about</h2>
            <ul>
              <li><strong>Corrections:</strong> if you think something in an article is wrong or out of
              date, tell us which page and, if you can, the source that shows the error.</li>
              <li><strong>Suggestions:</strong> topics you would like us to cover, or parts of an article
              that were hard to understand.</li>
              <li><strong>Accessibility:</strong> any difficulty using the site, for example with a screen
              reader or keyboard.</li>
              <li><strong>Privacy:</strong> questions about the information described in our
              <a href="/policies/">policies</a>.</li>
            </ul>
            <p>We aim to reply within ten working days. Corrections are handled as described in our
            <a href="/editorial-policy/">editorial policy</a>.</p>
            <h2>We cannot give personal medical advice</h2>
            <p>Our clinicians cannot diagnose or advise on individual health problems by email. Please
            contact your GP, a pharmacist or another health professional. <strong>In an emergency, call 999
            (or your local emergency number) or go to your nearest emergency department.</strong> See our
            <a href="/disclaimer/">medical disclaimer</a>.</p>
        """),
    },
    {
        "url": "/policies/",
        "title": "Policies",
        "content": md("""
            <p>This page explains how we handle information about visitors, which cookies we use and how
            we correct mistakes.</p>
            <h2>Privacy</h2>
            <p>You can read every article without creating an account or telling us anything about
            yourself. We count how many times each article is viewed each day so that we can show our most
            read pages; these counts are totals and do not record who viewed a page. Like most websites,
            our server may keep short-lived technical logs for security and to fix faults.</p>
            <p>If you email us, we use your message and email address only to reply and to act on what you
            have told us, and we do not share them with anyone else. Ask us at any time to see or delete
            what we hold about you by writing to
            <a href="mailto:editors@bonespine.example">editors@bonespine.example</a>.</p>
            <h2>Cookies</h2>
            <p>We do not use advertising, analytics or tracking cookies. Readers do not need cookies to use
            the site. The only cookies we set are strictly necessary ones used by our editorial staff: a
            session cookie that keeps a staff member signed in, and a security cookie that protects the
            sign-in and editing forms against forgery. They are removed when the staff member signs out or
            when they expire.</p>
            <h2>Corrections</h2>
            <p>We take accuracy seriously. If you report an error, the article's author and a medical
            reviewer will check it. Factual corrections are made promptly, and the article's
            &ldquo;last updated&rdquo; date changes whenever its content changes. Please send corrections
            through our <a href="/contact/">contact page</a>; our
            <a href="/editorial-policy/">editorial policy</a> describes how articles are reviewed.</p>
            <h2>Advertising and funding</h2>
            <p>Bonespine carries no advertising, accepts no sponsorship and receives no external funding.</p>
        """),
    },
    {
        "url": "/disclaimer/",
        "title": "Medical disclaimer",
        "content": md("""
            <p>The articles on Bonespine are for general information and education. They are written and
            reviewed by clinicians, but they cannot take account of your own history, examination or test
            results, and they are not a substitute for advice, diagnosis or treatment from a qualified
            health professional who knows you.</p>
            <ul>
              <li>Always talk to your doctor, physiotherapist or another qualified professional before
              starting, stopping or changing any treatment.</li>
              <li>Do not ignore professional advice, or delay seeking it, because of something you have read
              here.</li>
              <li>Treatments and guidelines change. Check the dates on each article, and the sources it
              lists, to see how current the information is.</li>
            </ul>
            <p><strong>If you think you need urgent medical help, call 999 (or your local emergency number),
            contact NHS 111 or go to your nearest emergency department.</strong></p>
            <p>Links to other websites are provided for further reading; we are not responsible for their
            content. Read how our articles are prepared in our
            <a href="/editorial-policy/">editorial policy</a>, or <a href="/contact/">contact us</a> if you
            have a concern about something you have read.</p>
        """),
    },
    {
        "url": "/editorial-policy/",
        "title": "Editorial policy",
        "content": md("""
            <p>Bonespine aims to publish health information that is accurate, balanced, up to date and easy
            to understand. This page explains how we do that.</p>
            <h2>How articles are written</h2>
            <ul>
              <li>Every article is written by a named clinician with relevant qualifications and
              experience. Author pages list their qualifications, roles and areas of practice.</li>
              <li>Authors write in their own words for patients and the public, in plain English, and
              explain the benefits, risks and uncertainties of each option, including the option of not
              having treatment.</li>
              <li>Articles are based on good-quality evidence, such as systematic reviews, randomised trials
              and national guidelines, and on accepted clinical practice where evidence is limited.</li>
            </ul>
            <h2>Medical review</h2>
            <p>Before an article is published, a second clinician who is qualified to review it, and who is
            never the article's author, checks it for accuracy, balance and safety. Nothing is published
            without this sign-off, and every article names its reviewer. If an article's text, images or
            references are changed after it has been signed off, the change must be reviewed and signed off
            again before it goes live.</p>
            <h2>Regular review</h2>
            <p>Every article is fully reviewed at least every <strong>three years</strong>, and sooner if
            important new evidence or guidance appears. Each page shows:</p>
            <ul>
              <li>when it was first published;</li>
              <li>when it was last updated, which changes only when the content itself changes;</li>
              <li>when it was last reviewed, and when its next review is due.</li>
            </ul>
            <h2>References</h2>
            <p>Each article ends with a numbered list of the sources it draws on, in Vancouver style, with
            links to the DOI or PubMed record where one exists, so that you can check what we say.</p>
            <h2>Independence, advertising and funding</h2>
            <p>Bonespine carries <strong>no advertising</strong> and receives <strong>no external
            funding</strong> or sponsorship. We do not promote products, and our authors and reviewers must
            tell us about any conflict of interest relevant to an article.</p>
            <h2>Corrections and feedback</h2>
            <p>If you think something is wrong, please <a href="/contact/">contact us</a>. We investigate
            every report and correct errors promptly, as described in our <a href="/policies/">policies</a>.
            Our articles inform but do not replace professional advice; see our
            <a href="/disclaimer/">medical disclaimer</a>.</p>
        """),
    },
]
