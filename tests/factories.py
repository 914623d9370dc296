import factory
from factory.django import DjangoModelFactory

from citations.models import Citation
from strategy.models import Country, Goal


class CitationFactory(DjangoModelFactory):
    class Meta:
        model = Citation

    key = factory.Sequence(lambda n: f"source-{n}")
    authors = factory.Sequence(lambda n: f"Author {n}\nInstitute {n}")
    year = 2020
    title = factory.Sequence(lambda n: f"Report number {n}")
    url = factory.Sequence(lambda n: f"https://example.org/report-{n}.pdf")
    language = "en"


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Country

    name = factory.Sequence(lambda n: f"Country {n}")
    slug = factory.Sequence(lambda n: f"country-{n}")
    vision = "To lead in trustworthy AI."
    conclusion = "A steady path."
    status = Country.Status.PUBLISHED
    # Ready to publish (strategy.readiness) unless a test says otherwise.
    region = Country.Region.EUROPE_CENTRAL_ASIA


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal
        skip_postgeneration_save = True

    country = factory.SubFactory(CountryFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Goal {n}")
    description = "Train more engineers."

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)
