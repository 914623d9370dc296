from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, F

from .models import Country, Goal, validate_theme_name

# A position an existing goal is parked at while its siblings are renumbered,
# so that swapping two positions never trips the unique constraint mid-save.
PARKING_OFFSET = 100_000


class GoalForm(forms.ModelForm):
    def clean_tags(self):
        names = self.cleaned_data["tags"]
        errors = []
        for name in names:
            try:
                validate_theme_name(name)
            except ValidationError as error:
                errors += error.error_list
        if errors:
            raise ValidationError(errors)
        return names


class GoalInlineForm(GoalForm):
    class Meta:
        model = Goal
        fields = ["position", "title", "description", "tags"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def _get_validation_exclusions(self):
        # Positions are checked among the country's goals by the formset, so
        # that editors can swap two positions in one save.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("position")
        return exclusions


class GoalInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            position = form.cleaned_data.get("position")
            if position is None:
                continue
            if position in seen:
                form.add_error(
                    "position", f"Goal “{seen[position]}” already has position {position}."
                )
            else:
                seen[position] = form.cleaned_data.get("title", "")

    def save(self, commit=True):
        moved = [
            form.instance.pk
            for form in self.initial_forms
            if "position" in form.changed_data and form not in self.deleted_forms
        ]
        deleted = [form.instance.pk for form in self.deleted_forms if form.instance.pk]
        if moved or deleted:
            # Free the positions being given up before any goal takes one.
            Goal.objects.filter(pk__in=moved + deleted).update(
                position=F("position") + PARKING_OFFSET
            )
        return super().save(commit)


class GoalInline(admin.StackedInline):
    model = Goal
    form = GoalInlineForm
    formset = GoalInlineFormSet
    extra = 0
    ordering = ["position"]
    show_change_link = True


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "iso_code", "region", "status", "goal_count", "updated_at"]
    list_filter = ["status", "region"]
    search_fields = ["name", "iso_code", "vision", "conclusion"]
    # Explicit, as the goal-count annotation drops the model's default ordering
    # (the goal form's country autocomplete paginates this queryset).
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["cited_sources", "published_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "iso_code", "region", "status"]}),
        ("Text", {"fields": ["vision", "conclusion"]}),
        ("Sources", {"fields": ["cited_sources"]}),
        ("Record", {"fields": ["published_at", "created_at", "updated_at"]}),
    ]
    inlines = [GoalInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(goal_count=Count("goals"))

    @admin.display(description="goals", ordering="goal_count")
    def goal_count(self, country):
        return country.goal_count

    @admin.display(description="cited sources")
    def cited_sources(self, country):
        if not country.pk:
            return "Filled in from the footnote markers when you save."
        citations = country.citations.all()
        return ", ".join(citation.key for citation in citations) or "None yet."

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.sync_citations()


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    form = GoalForm
    list_display = ["title", "country", "position", "theme_list"]
    list_select_related = ["country"]
    list_filter = ["country__region", "tags"]
    search_fields = ["title", "description", "country__name"]
    autocomplete_fields = ["country"]
    ordering = ["country__name", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="themes")
    def theme_list(self, goal):
        return ", ".join(tag.name for tag in goal.tags.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.country.sync_citations()
