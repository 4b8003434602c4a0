"""Geography benchmark: Palier's geographic queries on a map of 1,000 then 100,000 residences.

    make bench-geo           (starts its own PostgreSQL; or set TEST_DATABASE_URL)

The map: residences clustered around cities, placed around each centre with a normal spread
of a few kilometres, each with a footprint of about 80 m by 40 m. The first 1,000 residences
lie in ten cities of Auvergne-Rhône-Alpes and Bourgogne; the next 99,000 in forty more cities
and towns across France (Paris and its suburbs the densest). The measured residence (number 1,
in Lyon) keeps the same neighbours at both sizes: only the map grows around it, so the answers
are the same and any growth in time is the cost of a bigger map, which an index should not pay.
Three national landlords own the residences in turn; each residence has one member, the owner
of its listings (LISTINGS_PER_RESIDENCE, a third of them shared with the neighbourhood).

Measured with Palier's own service functions (each call's statements recorded and the main
one explained), RUNS runs after a warm-up, median, each in a transaction rolled back:
- nearby residences: `residences.nearby_residences`, 1 km around residence 1;
- listings near me matching words: `listings.search_listings` for the member of residence 1,
  French full-text search `q`, nearest first;
- listings near me, newest first: the same without words;
- residences reached by an area: `news.targeting.set_targets` of a staff announcement over a
  1.6 km square around residence 1.
Goal: each at most GOAL_GROWTH times slower at 100,000 residences than at 1,000, both the
whole call (Python included) and its main statement's execution in the database (EXPLAIN
ANALYZE, median of RUNS): on a busy machine the first is the noisier.
"""

import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 100_000)
# Listings of each residence added to reach the size. The first 1,000 residences (the measured
# neighbourhood among them) keep their 100 at both sizes; the 99,000 others get 10 each (about
# a million rows in all): 100 each (10 million) would take far more than the ten minutes this
# benchmark may last on two cores, most of it computing French text vectors for the search
# index (3 minutes for 2 million rows here). It does not change what is measured: the
# index-backed plans read the listings of the residences in reach only, and a plan that reads
# the whole table (or every listing in France with the searched word) is already ten times
# slower on a million rows. BENCH_GEO_LISTINGS=100 builds the 10 million.
LISTINGS_PER_RESIDENCE = {1_000: 100, 100_000: int(os.environ.get("BENCH_GEO_LISTINGS", "10"))}
RUNS = 7
GOAL_GROWTH = 2.0
SEARCHED_WORDS = "perceuse"
AREA_HALF_SIDE_M = 800
LANDLORDS = ("Habitat Rhône-Alpes", "Logis de France", "Foyer Solidaire")

# (city, longitude, latitude, spread in km, residences); the first ten make the 1,000.
CITIES = (
    ("Lyon", 4.8357, 45.7640, 3.0, 100),
    ("Grenoble", 5.7245, 45.1885, 2.5, 100),
    ("Saint-Étienne", 4.3872, 45.4397, 2.5, 100),
    ("Villeurbanne", 4.8800, 45.7719, 1.5, 100),
    ("Clermont-Ferrand", 3.0863, 45.7772, 2.5, 100),
    ("Dijon", 5.0415, 47.3220, 2.5, 100),
    ("Annecy", 6.1294, 45.8992, 2.0, 100),
    ("Chambéry", 5.9178, 45.5646, 2.0, 100),
    ("Valence", 4.8924, 44.9334, 2.0, 100),
    ("Vénissieux", 4.8868, 45.6975, 1.5, 100),
    ("Paris", 2.3522, 48.8566, 4.0, 13_200),
    ("Seine-Saint-Denis", 2.4500, 48.9300, 5.0, 9_000),
    ("Val-de-Marne", 2.4700, 48.7900, 5.0, 6_000),
    ("Hauts-de-Seine", 2.2300, 48.8600, 4.0, 5_000),
    ("Essonne", 2.3000, 48.6300, 8.0, 4_000),
    ("Val-d'Oise", 2.1500, 49.0300, 8.0, 4_000),
    ("Yvelines", 2.0500, 48.8000, 8.0, 3_500),
    ("Seine-et-Marne", 2.6500, 48.6000, 10.0, 3_000),
    ("Marseille", 5.3698, 43.2965, 6.0, 6_000),
    ("Lille", 3.0573, 50.6292, 5.0, 4_500),
    ("Toulouse", 1.4442, 43.6047, 5.0, 3_500),
    ("Nice", 7.2620, 43.7102, 4.0, 2_500),
    ("Nantes", -1.5536, 47.2184, 4.0, 2_500),
    ("Strasbourg", 7.7521, 48.5734, 4.0, 2_500),
    ("Montpellier", 3.8767, 43.6108, 4.0, 2_000),
    ("Bordeaux", -0.5792, 44.8378, 5.0, 2_500),
    ("Rennes", -1.6778, 48.1173, 3.5, 2_000),
    ("Le Havre", 0.1079, 49.4944, 3.5, 1_800),
    ("Reims", 4.0317, 49.2583, 3.0, 1_500),
    ("Toulon", 5.9280, 43.1242, 4.0, 1_500),
    ("Rouen", 1.0993, 49.4431, 3.5, 1_600),
    ("Angers", -0.5632, 47.4784, 3.0, 1_200),
    ("Nîmes", 4.3601, 43.8367, 3.0, 1_000),
    ("Le Mans", 0.1996, 48.0061, 3.0, 1_000),
    ("Amiens", 2.2958, 49.8941, 3.0, 1_100),
    ("Limoges", 1.2611, 45.8336, 3.0, 900),
    ("Tours", 0.6848, 47.3941, 3.0, 1_000),
    ("Metz", 6.1757, 49.1193, 3.0, 1_000),
    ("Besançon", 6.0241, 47.2378, 3.0, 900),
    ("Orléans", 1.9093, 47.9030, 3.0, 900),
    ("Mulhouse", 7.3359, 47.7508, 3.0, 900),
    ("Caen", -0.3707, 49.1829, 3.0, 900),
    ("Nancy", 6.1844, 48.6921, 3.0, 900),
    ("Perpignan", 2.8948, 42.6887, 3.0, 800),
    ("Brest", -4.4861, 48.3904, 3.0, 800),
    ("Avignon", 4.8055, 43.9493, 3.0, 800),
    ("Poitiers", 0.3404, 46.5802, 2.5, 600),
    ("Pau", -0.3708, 43.2951, 2.5, 600),
    ("Calais", 1.8587, 50.9513, 2.5, 600),
    ("Dunkerque", 2.3768, 51.0343, 3.0, 1_000),
)

# What neighbours offer and ask for: (kind, category, title, description); a residence's
# listings take them in turn, so the kinds come 16 : 8 : 10 : 6 of 40.
CATALOGUE = (
    ("lend", "diy", "Perceuse à percussion", "Avec un jeu de forets béton et bois."),
    ("lend", "diy", "Perceuse visseuse sans fil", "Deux batteries, chargeur fourni."),
    ("lend", "kitchen", "Appareil à raclette", "Pour huit personnes, avec les poêlons."),
    ("lend", "diy", "Escabeau cinq marches", "Pratique pour peindre un plafond."),
    ("lend", "tools", "Scie sauteuse", "Lames pour le bois et le métal."),
    ("lend", "tools", "Ponceuse orbitale", "Avec des disques de plusieurs grains."),
    ("lend", "kitchen", "Machine à pain", "Programme pain complet et pâte à pizza."),
    ("lend", "other", "Machine à coudre", "Idéale pour les ourlets et petites retouches."),
    ("lend", "mobility", "Diable de déménagement", "Supporte jusqu'à 150 kilos."),
    ("lend", "garden", "Taille-haie électrique", "Avec une rallonge de vingt mètres."),
    ("lend", "sport", "Tente quatre places", "Montage rapide, double toit."),
    ("lend", "electronics", "Vidéoprojecteur", "Pour une soirée film dans la salle commune."),
    ("lend", "kitchen", "Crêpière électrique", "Six petites crêpes à la fois."),
    ("lend", "tools", "Nettoyeur haute pression", "Pour le balcon et les vélos."),
    ("lend", "children", "Lit parapluie", "Pour accueillir les petits-enfants."),
    ("lend", "diy", "Détecteur de câbles", "À utiliser avant de percer un mur."),
    ("give", "children", "Poussette", "Bon état, lavée, pliage facile."),
    ("give", "books", "Romans policiers", "Une vingtaine de livres de poche."),
    ("give", "children", "Vêtements bébé six mois", "Un grand sac, garçon et fille."),
    ("give", "kitchen", "Service à café", "Six tasses et leurs sous-tasses."),
    ("give", "sport", "Vélo enfant", "Roues de 16 pouces, avec petites roues."),
    ("give", "other", "Cartons de déménagement", "Une trentaine, solides."),
    ("give", "garden", "Plants de tomates", "Cœur de bœuf et cerises, à repiquer."),
    ("give", "electronics", "Ancien ordinateur portable", "Fonctionne, batterie faible."),
    ("offer_help", "shopping", "Aide aux courses", "Je vais au marché le samedi matin."),
    ("offer_help", "small_repairs", "Petites réparations", "Je sais changer un joint de robinet."),
    ("offer_help", "paperwork", "Aide aux papiers", "Dossiers CAF, impôts, courriers."),
    ("offer_help", "translation", "Traduction arabe français", "Pour un rendez-vous, un courrier."),
    ("offer_help", "pets", "Garde de chat", "Pendant vos vacances, je passe deux fois par jour."),
    ("offer_help", "company", "Visite aux voisins isolés", "Un café et une discussion."),
    ("offer_help", "lifts", "Trajets en voiture", "Pour un rendez-vous à l'hôpital."),
    ("offer_help", "childcare", "Aide aux devoirs", "Maths et français jusqu'au collège."),
    ("offer_help", "small_repairs", "Montage de meubles", "J'ai une perceuse et des outils."),
    ("offer_help", "shopping", "Courses en voiture", "Le jeudi au grand supermarché."),
    ("request_help", "small_repairs", "Fixer une étagère", "Il me manque une perceuse."),
    ("request_help", "lifts", "Aller à la gare", "Lundi très tôt, avec une valise."),
    ("request_help", "pets", "Promener mon chien", "Le midi, pendant deux semaines."),
    ("request_help", "paperwork", "Remplir un dossier", "Une demande de logement à refaire."),
    ("request_help", "company", "Lecture pour ma mère", "Elle ne voit plus assez pour lire."),
    ("request_help", "childcare", "Garde après l'école", "Deux soirs par semaine."),
)


def main() -> None:
    url = os.environ["TEST_DATABASE_URL"]
    started = time.perf_counter()
    reset(url)
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi", "PALIER_CONFIG": "development"}
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    os.environ["DATABASE_URL"] = url

    from app import create_app
    from models import db

    app = create_app("development")
    results: dict[int, dict[str, Run]] = {}
    with psycopg.connect(psycopg_url(url)) as connection:
        seed_people(connection)
        built = 0
        for size in SIZES:
            seeding = time.perf_counter()
            seed_residences(connection, built, size)
            connection.commit()
            analyze(url)
            built = size
            print(
                f"\n{describe(connection)}; built and analyzed in "
                f"{time.perf_counter() - seeding:.0f} s"
            )
            with app.app_context():
                recorder = Recorder(db.engine)
                results[size] = {name: measure(recorder, name) for name in QUERIES}
                for name, run in results[size].items():
                    explain(name, run, size)
                recorder.stop()
    report(results)
    print(f"\nwhole benchmark: {time.perf_counter() - started:.0f} s")


# Data


def reset(url: str) -> None:
    with psycopg.connect(psycopg_url(url), autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")


def analyze(url: str) -> None:
    with psycopg.connect(psycopg_url(url), autocommit=True) as connection:
        connection.execute("ANALYZE")


def seed_people(connection) -> None:
    """The landlords, and a staff member of the first one (who draws the area)."""
    for name in LANDLORDS:
        connection.execute(
            "INSERT INTO landlords (name, created_at, updated_at) VALUES (%s, now(), now())",
            (name,),
        )
    # Members get the ids of their residences; the staff member comes after them all.
    connection.execute(f"SELECT setval('users_id_seq', {SIZES[-1] + 1})")
    connection.execute(
        "INSERT INTO users (email, password_hash, display_name, locale, is_platform_admin, "
        "created_at, updated_at) VALUES ('gardien@banc.palier', 'no-password', 'Gardien', 'fr', "
        "false, now(), now())"
    )
    connection.execute(
        "INSERT INTO landlord_staff (user_id, landlord_id, active, created_at) "
        "SELECT id, 1, true, now() FROM users WHERE email = 'gardien@banc.palier'"
    )


def seed_residences(connection, first: int, last: int) -> None:
    """Residences first+1 to last, their member and their listings."""
    cities, number = [], 0
    for name, longitude, latitude, spread_km, count in CITIES:
        if first <= number < last:
            cities.append((name, longitude, latitude, spread_km, number + 1, number + count))
        number += count
    assert cities and cities[-1][-1] == last, "the cities do not add up to the size"
    values = ", ".join(
        f"({c[4]}, {c[5]}, {c[1]}, {c[2]}, {c[3]}, '{c[0].replace(chr(39), chr(39) * 2)}')"
        for c in cities
    )
    connection.execute("SELECT setseed(0.15)")
    # A normal spread around the city's centre (Box-Muller), residence 1 on Lyon's centre;
    # 111.32 km a degree of longitude at the equator, 110.57 a degree of latitude.
    with indexes_rebuilt(connection, "residences"):
        connection.execute(
            f"""
            WITH cities (first, last, lon, lat, spread_km, name) AS (VALUES {values}),
            placed AS (
                SELECT g, c.name, c.lon, c.lat,
                       CASE WHEN g = 1 THEN 0 ELSE c.spread_km * sqrt(-2 * ln(1 - random())) END
                           AS distance_km,
                       2 * pi() * random() AS bearing, pi() * random() AS turn
                FROM cities c, generate_series(c.first, c.last) AS g
            ),
            points AS (
                SELECT g, name, turn,
                       ST_SetSRID(ST_MakePoint(
                           lon + distance_km * cos(bearing) / (111.32 * cos(radians(lat))),
                           lat + distance_km * sin(bearing) / 110.57), 4326) AS location
                FROM placed
            )
            INSERT INTO residences (id, landlord_id, name, address, time_zone, footprint, location,
                                    solidaires_manage_spaces, created_at, updated_at)
            SELECT g, (g - 1) % {len(LANDLORDS)} + 1, 'Résidence ' || g, g || ' rue de ' || name,
                   'Europe/Paris',
                   ST_Multi(ST_Rotate(ST_Expand(location, 0.00052, 0.00018), turn, location)),
                   location, false, now(), now()
            FROM points
            ORDER BY g
            """
        )
    connection.execute(
        f"""
        INSERT INTO users (id, email, password_hash, display_name, locale, is_platform_admin,
                           created_at, updated_at)
        SELECT g, 'voisin' || g || '@banc.palier', 'no-password', 'Voisin ' || g, 'fr', false,
               now(), now()
        FROM generate_series({first + 1}, {last}) AS g
        """
    )
    connection.execute(
        f"""
        INSERT INTO memberships (user_id, residence_id, role, status, joined_at, created_at,
                                 updated_at)
        SELECT g, g, 'resident', 'active', now(), now(), now()
        FROM generate_series({first + 1}, {last}) AS g
        """
    )
    catalogue = ", ".join(
        "({}, '{}', '{}', '{}', '{}')".format(number, *(text.replace("'", "''") for text in item))
        for number, item in enumerate(CATALOGUE)
    )
    per_residence = LISTINGS_PER_RESIDENCE[last]
    with indexes_rebuilt(connection, "listings"):
        connection.execute(
            f"""
        WITH catalogue (number, kind, category, title, description) AS (VALUES {catalogue})
        INSERT INTO listings (residence_id, owner_id, kind, category, title, description,
                              estimated_value_eur, scope, status, visibility, created_at,
                              updated_at)
        SELECT r, r, c.kind, c.category, c.title, c.description,
               CASE WHEN c.kind IN ('lend', 'give') THEN 5 + (k * 37) % 200 END,
               CASE WHEN k % 3 = 0 THEN 'nearby' ELSE 'residence' END,
               CASE WHEN k % 10 = 9 THEN 'closed' ELSE 'open' END, 'visible',
               now() - ((r * 7 + k * 13) % 8760) * interval '1 hour',
               now() - ((r * 7 + k * 13) % 8760) * interval '1 hour'
        FROM generate_series({first + 1}, {last}) AS r,
             generate_series(0, {per_residence - 1}) AS k,
             catalogue c
        WHERE c.number = (k + r * 17) % {len(CATALOGUE)}
        """
        )


@contextmanager
def indexes_rebuilt(connection, table: str):
    """Drop a table's indexes (its primary key aside) for a bulk insert, then build them again
    from their own definitions: much faster than updating them row by row."""
    indexes = connection.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
        (table, f"pk_{table}"),
    ).fetchall()
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    yield
    connection.execute("SET maintenance_work_mem = '512MB'")
    for _, definition in indexes:
        connection.execute(definition)


def describe(connection) -> str:
    residences, listings, nearby = connection.execute(
        "SELECT (SELECT count(*) FROM residences), (SELECT count(*) FROM listings), "
        "(SELECT count(*) FROM residences r, residences o WHERE o.id = 1 AND r.id <> 1 "
        "AND ST_DWithin(r.location::geography, o.location::geography, 1000))"
    ).fetchone()
    return (
        f"map: {residences:,} residences, {listings:,} listings "
        f"{nearby} residences within 1 km of residence 1"
    )


# Measures


@dataclass
class Statement:
    seconds: float
    text: str
    parameters: object


@dataclass
class Run:
    seconds: list[float]  # of each call
    database_seconds: list[float]  # of the main statement's execution, in the database
    statements: list[Statement]  # of the last call
    answer: int

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def database_median_ms(self) -> float:
        return statistics.median(self.database_seconds) * 1000


class Recorder:
    """The statements the engine runs, each with its time."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine = engine
        self.statements: list[Statement] = []
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, connection, cursor, statement, parameters, context, executemany):
        connection.info["bench_started"] = time.perf_counter()

    def after(self, connection, cursor, statement, parameters, context, executemany):
        seconds = time.perf_counter() - connection.info.pop("bench_started")
        self.statements.append(Statement(seconds, statement, parameters))

    def stop(self) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self.before)
        event.remove(self.engine, "after_cursor_execute", self.after)


def area_around_residence_1() -> dict:
    """A square quartier of 2 × AREA_HALF_SIDE_M around residence 1, as staff would draw it."""
    from geoalchemy2.shape import to_shape

    from models import Residence, db

    centre = to_shape(db.session.get(Residence, 1).location)
    half_lon = AREA_HALF_SIDE_M / 1000 / (111.32 * 0.6976)  # cos(45.76°)
    half_lat = AREA_HALF_SIDE_M / 1000 / 110.57
    x0, x1 = centre.x - half_lon, centre.x + half_lon
    y0, y1 = centre.y - half_lat, centre.y + half_lat
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def nearby_residences():
    from models import User, db
    from services import residences

    member = db.session.get(User, 1)
    return lambda: len(residences.nearby_residences(member, 1, 1000))


def listings_matching_words():
    from models import User, db
    from services import listings

    member = db.session.get(User, 1)
    filters = {"q": SEARCHED_WORDS, "order": "distance"}
    return lambda: len(listings.search_listings(member, filters, None, 20).items)


def listings_newest():
    from models import User, db
    from services import listings

    member = db.session.get(User, 1)
    return lambda: len(listings.search_listings(member, {"order": "recent"}, None, 20).items)


def residences_of_an_area():
    from sqlalchemy import func, select

    from models import Post, PostResidence, PostScope, User, db
    from services.news.targeting import set_targets

    staff = db.session.scalar(select(User).where(User.email == "gardien@banc.palier"))
    post = Post(
        residence_id=1,
        author=staff,
        kind="announcement",
        body="Coupure d'eau demain matin dans le quartier.",
        scope=PostScope.AREA,
    )
    db.session.add(post)
    db.session.flush()
    area = area_around_residence_1()

    def reach() -> int:
        set_targets(staff, post, building_ids=None, radius_m=None, area=area, all_residences=False)
        db.session.flush()
        return db.session.scalar(select(func.count()).where(PostResidence.post_id == post.id))

    return reach


# Each query: the function that prepares a call, and words of its main statement (explained).
QUERIES = {
    "nearby residences (1 km)": (nearby_residences, "ST_DWithin"),
    f"listings near me matching '{SEARCHED_WORDS}'": (listings_matching_words, "FROM listings"),
    "listings near me, newest first": (listings_newest, "FROM listings"),
    "residences reached by an area": (residences_of_an_area, "ST_Intersects"),
}


def measure(recorder: Recorder, name: str) -> Run:
    """The median of RUNS runs after a warm-up, each in a transaction rolled back."""
    from models import db

    seconds, answers = [], set()
    for attempt in range(RUNS + 1):
        db.session.rollback()
        db.session.expunge_all()
        call = QUERIES[name][0]()
        recorder.statements = []
        started = time.perf_counter()
        answers.add(call())
        elapsed = time.perf_counter() - started
        statements, recorder.statements = recorder.statements, []
        if attempt:
            seconds.append(elapsed)
    db.session.rollback()
    assert len(answers) == 1, f"{name}: the answers changed between runs: {answers}"
    statement = main_statement(name, statements)
    database_seconds = [execution_seconds(statement) for _ in range(RUNS)]
    return Run(seconds, database_seconds, statements, answers.pop())


def execution_seconds(statement: Statement) -> float:
    """How long the database took to run the statement (EXPLAIN ANALYZE without per-node
    timing, whose clock reads would weigh on the small plans)."""
    from models import db

    (plan,) = (
        db.session.connection()
        .exec_driver_sql(
            "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + statement.text, statement.parameters
        )
        .one()
    )
    db.session.rollback()
    return plan[0]["Execution Time"] / 1000


def main_statement(name: str, statements: list[Statement]) -> Statement:
    return next(s for s in statements if QUERIES[name][1] in s.text)


def explain(name: str, run: Run, size: int) -> None:
    """The plan of the call's main statement, run again under EXPLAIN ANALYZE."""
    from models import db

    statement = main_statement(name, run.statements)
    print(
        f"\n== {name} at {size:,} residences: {run.median_ms:.2f} ms a call, "
        f"{len(run.statements)} statements; EXPLAIN (ANALYZE, BUFFERS) of the main one:"
    )
    plan = db.session.connection().exec_driver_sql(
        "EXPLAIN (ANALYZE, BUFFERS) " + statement.text, statement.parameters
    )
    for (line,) in plan:
        print("  " + line)
    db.session.rollback()


def report(results: dict[int, dict[str, Run]]) -> None:
    small, big = SIZES
    met = True
    for title, figure in (
        (f"median of {RUNS} calls, ms", lambda run: run.median_ms),
        (f"main statement in the database ({RUNS} runs), ms", lambda run: run.database_median_ms),
    ):
        print(f"\n{title:<44} {small:>8,} {big:>10,}   ratio   answers")
        for name in QUERIES:
            before, after = figure(results[small][name]), figure(results[big][name])
            met &= after / before <= GOAL_GROWTH
            answers = f"{results[small][name].answer} / {results[big][name].answer}"
            print(f"{name:<44} {before:8.2f} {after:10.2f}  {after / before:6.2f}   {answers}")
    print(f"\ngoal: at most {GOAL_GROWTH}× from {small:,} to {big:,} residences")
    print("goals met" if met else "goals NOT met")


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


if __name__ == "__main__":
    main()
