"""The benchmark dataset's vocabulary and its deterministic pseudo-English (:mod:`.benchmark`)."""

from __future__ import annotations

import random

CATEGORIES = [
    ("Anatomy", "anatomy"), ("Fractures", "fractures"), ("Diseases", "diseases"),
    ("Spine Disorders", "spine-disorders"), ("Patient Guides", "patient-guides"),
    ("Procedures", "procedures"), ("Wellness", "wellness"),
]
# (name, credentials, title, medical reviewer?)
AUTHORS = [
    ("Dr Lena Fischer", "MBBS, FRCS (Orth)", "Consultant orthopaedic surgeon", False),
    ("Dr Tomasz Nowak", "MD, PhD", "Spine surgeon", False),
    ("Dr Priya Raman", "MBBS, MS (Orthopaedics)", "Consultant in trauma and orthopaedics", True),
    ("Dr Samuel Adeyemi", "MBChB, FRCS", "Sports medicine physician", True),
    ("Dr Clara Jensen", "MSc, MCSP", "Clinical lead physiotherapist", False),
    ("Dr Mateo Ruiz", "MD, FACS", "Hand and wrist surgeon", True),
]
ORTHO = [
    "fracture", "osteoporosis", "arthritis", "osteoarthritis", "sciatica", "scoliosis", "stenosis", "bursitis",
    "tendinitis", "sprain", "strain", "dislocation", "cartilage", "ligament", "tendon", "meniscus", "vertebra",
    "spine", "knee", "hip", "shoulder", "elbow", "wrist", "ankle", "pelvis", "femur", "tibia", "fibula",
    "radius", "ulna", "humerus", "scaphoid", "disc", "nerve", "muscle", "bone", "joint", "cast", "splint",
    "brace", "physiotherapy", "rehabilitation", "surgery", "arthroscopy", "implant", "replacement",
    "swelling", "stiffness", "mobility", "posture", "x-ray", "MRI", "fusion", "plaster", "crutches",
    "osteotomy", "rotator cuff", "carpal tunnel", "whiplash", "back pain", "neck pain", "gout", "bunion",
    "plantar fasciitis", "hamstring", "achilles", "kyphosis", "lordosis", "herniation", "bone density",
]
TAGS = ORTHO[:60]
GENERAL = [
    "the", "a", "an", "patients", "often", "may", "can", "should", "usually", "after", "before", "during",
    "with", "without", "and", "or", "but", "when", "while", "most", "many", "some", "people", "doctor",
    "treatment", "recovery", "weeks", "months", "daily", "activity", "exercise", "rest", "gentle", "gradual",
    "careful", "early", "common", "rare", "symptoms", "signs", "test", "scan", "advice", "support", "help",
    "improve", "reduce", "increase", "protect", "heal", "return", "work", "sport", "walking", "sleep", "weight",
    "load", "movement", "range", "strength", "balance", "risk", "age", "injury", "fall", "impact", "pressure",
    "time", "plan", "team", "check", "follow", "ask", "notice", "feel", "describe", "measure", "explain",
    "record", "review", "guide", "for", "of", "to", "in", "on", "at", "from", "this", "that", "these", "their",
    "your", "its", "is", "are", "was", "be", "been", "will", "not", "also", "more", "less", "very", "quite",
    "slowly", "quickly", "safely", "regularly", "carefully", "new", "long", "short", "mild", "severe",
    "chronic", "acute", "local", "general", "normal", "healthy", "simple", "clear", "important", "useful",
    "night", "morning", "evening", "stairs", "chair", "desk", "shoes", "ice", "heat", "medicine", "tablets",
    "injection", "appointment", "clinic", "nurse", "surgeon", "physiotherapist", "family", "partner",
    "children", "adults",
]
CONDITIONS = [
    "Stress fracture of the tibia", "Scaphoid fracture", "Hip osteoarthritis", "Knee osteoarthritis",
    "Lumbar disc herniation", "Rotator cuff tear", "Frozen shoulder", "Tennis elbow", "Carpal tunnel syndrome",
    "Ankle sprain", "Achilles tendon rupture", "Plantar fasciitis", "Osteoporosis", "Scoliosis",
    "Spinal stenosis", "Sciatica", "Whiplash", "Wrist fracture", "Hip fracture", "Meniscus tear",
    "ACL injury", "Shoulder dislocation", "Gout", "Bunions", "Kyphosis", "Neck pain", "Low back pain",
    "Hamstring strain", "Bursitis of the hip", "Total knee replacement", "Total hip replacement",
    "Spinal fusion", "Knee arthroscopy", "Clavicle fracture", "Osteomyelitis", "Bone density scans",
    "Cervical radiculopathy", "Trigger finger", "Shin splints", "Patellar tendinitis",
]
AUDIENCES = ["", " in children", " in older adults", " in athletes", " in runners", " after sixty",
             " for office workers", " in pregnancy"]
ASPECTS = [
    "causes and treatment", "what to expect after surgery", "a recovery timeline", "exercises that help",
    "a guide for patients", "diagnosis and imaging", "when to see a doctor", "living with it day to day",
    "myths and facts", "prevention tips", "questions to ask your surgeon", "pain relief options",
]
HEADINGS = [
    "Overview", "Causes", "Symptoms", "Diagnosis", "Treatment", "Recovery", "Prevention", "Risk factors",
    "Complications", "Outlook", "Exercises", "Non-surgical treatment", "Surgery", "Living with the condition",
    "When to see a doctor", "Frequently asked questions",
]
SURNAMES = ["Smith", "Patel", "Garcia", "Kim", "Okafor", "Muller", "Rossi", "Tanaka", "Nielsen", "Dubois",
            "Kowalski", "Silva", "Chen", "Ivanova", "Hughes", "Andersson", "Costa", "Haddad", "Singh", "Murphy"]
JOURNALS = ["J Bone Joint Surg Am", "Bone Joint J", "Spine (Phila Pa 1976)", "Clin Orthop Relat Res",
            "Am J Sports Med", "Osteoporos Int", "BMJ", "Lancet", "Arthritis Care Res", "J Orthop Trauma",
            "Br J Sports Med", "Injury"]
INITIALS = "ABCDEFGHJKLMNPRSTW"


class Text:
    """Deterministic pseudo-English with orthopaedic words: Markdown and its HTML side by side.

    Sentences are drawn once into pools and then combined, which keeps 20,000 articles fast
    while every section is still a different mix.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.sentences = [self.make_sentence(8, 18) for _ in range(5000)]
        self.phrases = [self.make_sentence(6, 12)[:-1] for _ in range(2000)]
        self.items = [self.make_sentence(3, 6)[:-1] for _ in range(500)]

    def make_sentence(self, low: int, high: int) -> str:
        rng = self.rng
        words = [rng.choice(ORTHO) if rng.random() < 0.18 else rng.choice(GENERAL)
                 for _ in range(rng.randint(low, high))]
        for i in range(1, len(words) - 1):
            if rng.random() < 0.07:
                words[i] += ","
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.rng.choices(self.sentences, k=sentences))

    def phrase(self) -> str:
        return self.rng.choice(self.phrases)

    def body(self) -> str:
        """About 150 words: two or three paragraphs, sometimes a bold phrase or a short list,
        as the editor's HTML (what ``rendering.sanitize`` stores unchanged)."""
        rng = self.rng
        html = []
        with_list = rng.random() < 0.3
        paragraphs = 2 if with_list else rng.choice((2, 3))
        for _ in range(paragraphs):
            text = self.paragraph(5 if with_list else 12 // paragraphs)
            if rng.random() < 0.25:
                word = rng.choice(ORTHO)
                html.append(f"<p>{text} Remember the <strong>{word}</strong>.</p>")
            else:
                html.append(f"<p>{text}</p>")
        if with_list:
            items = rng.sample(self.items, 3)
            html.append("<ul>" + "".join(f"<li><p>{item}</p></li>" for item in items) + "</ul>")
        return "".join(html)
