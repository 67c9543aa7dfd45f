"""The registers' models, moved from homes (docs/adr/021-layers-for-every-reference.md): in
Django's state only. Their tables, indexes and constraints are homes' as they were (the
models name them: ``db_table``), so nothing here touches the database; each app's foreign
keys then point here (their next migrations), and homes forgets its old models last
(homes 0014, which also moves their content types)."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("homes", "0013_cqc_register_agencies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CareHome',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('care_home', 'Care home'), ('home_care_agency', 'Home-care agency')], db_default='care_home', default='care_home', max_length=20)),
                        ('cqc_location_id', models.CharField(help_text='Like 1-101234567', max_length=14, unique=True, verbose_name='CQC location ID')),
                        ('name', models.CharField(max_length=200)),
                        ('address_line_1', models.CharField(max_length=200, verbose_name='address line 1')),
                        ('address_line_2', models.CharField(blank=True, max_length=200, verbose_name='address line 2')),
                        ('town', models.CharField(max_length=100, verbose_name='town or city')),
                        ('county', models.CharField(blank=True, max_length=100)),
                        ('postcode', models.CharField(max_length=8)),
                        ('latitude', models.FloatField()),
                        ('longitude', models.FloatField()),
                        ('phone', models.CharField(blank=True, max_length=20)),
                        ('email', models.EmailField(blank=True, max_length=254)),
                        ('website', models.URLField(blank=True, max_length=300)),
                        ('service_type', models.CharField(choices=[('with_nursing', 'Care home service with nursing'), ('without_nursing', 'Care home service without nursing'), ('domiciliary', 'Domiciliary care service')], max_length=20, verbose_name='CQC service type')),
                        ('service_user_bands', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('older_people', 'Older people (65+)'), ('younger_adults', 'Younger adults (under 65)'), ('dementia', 'Dementia'), ('learning_disabilities', 'Learning disabilities or autistic spectrum disorder'), ('mental_health', 'Mental health conditions'), ('physical_disabilities', 'Physical disabilities'), ('sensory_impairment', 'Sensory impairment'), ('substance_misuse', 'Substance misuse problems'), ('eating_disorders', 'Eating disorders'), ('whole_population', 'Whole population')], max_length=30), blank=True, default=list, verbose_name='service user bands')),
                        ('cqc_rating', models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], max_length=30, null=True, verbose_name='CQC rating')),
                        ('cqc_rating_date', models.DateField(blank=True, null=True, verbose_name='date of CQC rating')),
                        ('rating_safe', models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], default=None, max_length=30, null=True, verbose_name='CQC rating: Safe')),
                        ('rating_effective', models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], default=None, max_length=30, null=True, verbose_name='CQC rating: Effective')),
                        ('rating_caring', models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], default=None, max_length=30, null=True, verbose_name='CQC rating: Caring')),
                        ('rating_responsive', models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], default=None, max_length=30, null=True, verbose_name='CQC rating: Responsive')),
                        ('rating_well_led', models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], default=None, max_length=30, null=True, verbose_name='CQC rating: Well-led')),
                        ('last_inspection_date', models.DateField(blank=True, null=True, verbose_name='date of last CQC inspection')),
                        ('registered_beds', models.PositiveSmallIntegerField(blank=True, help_text='The number of beds CQC registers the home for.', null=True, verbose_name='registered beds')),
                        ('registration_date', models.DateField(blank=True, null=True, verbose_name='date registered with CQC')),
                        ('dormant', models.BooleanField(blank=True, help_text='Registered but not providing care for now. Empty: not known', null=True, verbose_name='dormant with CQC')),
                        ('funding_accepted', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('local_authority', 'Local authority funded'), ('self_funded', 'Self-funded'), ('chc', 'NHS Continuing Healthcare'), ('fnc', 'NHS-funded nursing care'), ('discharge_to_assess', 'Discharge to assess (pathway 2/3)')], max_length=30), blank=True, default=list, verbose_name='funding accepted')),
                        ('facilities', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('en_suite', 'En-suite rooms'), ('lift', 'Lift'), ('ground_floor', 'Ground-floor rooms'), ('garden', 'Garden'), ('bariatric', 'Bariatric equipment'), ('hoists', 'Hoists'), ('parking', 'Parking')], max_length=30), blank=True, default=list)),
                        ('visiting_arrangements', models.TextField(blank=True, max_length=1000)),
                        ('description', models.TextField(blank=True, max_length=2000, verbose_name='short description')),
                        ('public_description', models.TextField(blank=True, db_default='', default='', max_length=3000, verbose_name='description for families')),
                        ('fee_from', models.PositiveIntegerField(blank=True, null=True, verbose_name='weekly fees from (£)')),
                        ('fee_to', models.PositiveIntegerField(blank=True, null=True, verbose_name='weekly fees up to (£)')),
                        ('top_up', models.BooleanField(blank=True, help_text='Empty: the home has not said', null=True, verbose_name='a top-up may be asked for')),
                        ('top_up_note', models.CharField(blank=True, db_default='', default='', max_length=300, verbose_name='about top-ups')),
                        ('shows_availability', models.BooleanField(db_default=True, default=True, verbose_name='shows its availability on its public page')),
                        ('status', models.CharField(choices=[('active', 'Active'), ('archived', 'Archived')], default='active', max_length=10)),
                        ('archived_reason', models.CharField(blank=True, db_default='', default='', max_length=300, verbose_name='why archived')),
                        ('archived_at', models.DateTimeField(blank=True, null=True)),
                        ('is_synthetic', models.BooleanField(db_default=False, default=False, editable=False)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'homes_carehome',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Postcode',
                    fields=[
                        ('postcode', models.CharField(max_length=8, primary_key=True, serialize=False)),
                        ('latitude', models.FloatField()),
                        ('longitude', models.FloatField()),
                        ('lad_code', models.CharField(max_length=9)),
                    ],
                    options={
                        'db_table': 'homes_postcode',
                    },
                ),
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(help_text='ONS code, e.g. E12000003', max_length=9, unique=True)),
                        ('name', models.CharField(max_length=100, unique=True)),
                    ],
                    options={
                        'db_table': 'homes_region',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='HomeCareAgency',
                    fields=[
                    ],
                    options={
                        'verbose_name': 'home-care agency',
                        'verbose_name_plural': 'home-care agencies',
                        'proxy': True,
                        'indexes': [],
                        'constraints': [],
                    },
                    bases=('registers.carehome',),
                ),
                migrations.CreateModel(
                    name='LocalAuthority',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('gss_code', models.CharField(help_text='e.g. E08000035', max_length=9, unique=True, verbose_name='ONS code')),
                        ('name', models.CharField(max_length=100)),
                        ('official_name', models.CharField(blank=True, max_length=200)),
                        ('kind', models.CharField(blank=True, max_length=30)),
                        ('is_social_care_authority', models.BooleanField(default=False)),
                        ('alt_names', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=200), blank=True, default=list)),
                        ('latitude', models.FloatField(blank=True, null=True)),
                        ('longitude', models.FloatField(blank=True, null=True)),
                        ('upper_tier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='districts', to='registers.localauthority')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='local_authorities', to='registers.region')),
                    ],
                    options={
                        'verbose_name_plural': 'local authorities',
                        'db_table': 'homes_localauthority',
                        'ordering': ['name'],
                    },
                ),
                migrations.AddField(
                    model_name='carehome',
                    name='local_authority',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='homes', to='registers.localauthority'),
                ),
                migrations.CreateModel(
                    name='PostcodeArea',
                    fields=[
                        ('code', models.CharField(max_length=7, primary_key=True, serialize=False)),
                        ('is_sector', models.BooleanField()),
                        ('latitude', models.FloatField()),
                        ('longitude', models.FloatField()),
                        ('local_authority', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registers.localauthority')),
                    ],
                    options={
                        'db_table': 'homes_postcodearea',
                    },
                ),
                migrations.CreateModel(
                    name='Provider',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('is_synthetic', models.BooleanField(db_default=False, default=False, editable=False)),
                        ('cqc_provider_id', models.CharField(blank=True, help_text='Like 1-101234567', max_length=14, null=True, unique=True, verbose_name='CQC provider ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'homes_provider',
                        'ordering': ['name'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('cqc_provider_id__regex', '^1-[0-9]{1,12}$'), ('cqc_provider_id__isnull', True), _connector='OR'), name='provider_cqc_id_format')],
                    },
                ),
                migrations.AddField(
                    model_name='carehome',
                    name='provider',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='homes', to='registers.provider'),
                ),
                migrations.AddIndex(
                    model_name='carehome',
                    index=models.Index(fields=['local_authority', 'name'], name='homes_careh_local_a_bda348_idx'),
                ),
                migrations.AddIndex(
                    model_name='carehome',
                    index=models.Index(fields=['kind', 'local_authority'], name='home_kind_council'),
                ),
                migrations.AddIndex(
                    model_name='carehome',
                    index=models.Index(fields=['provider', 'name'], name='homes_careh_provide_d2fd5c_idx'),
                ),
                migrations.AddIndex(
                    model_name='carehome',
                    index=models.Index(fields=['latitude', 'longitude'], name='home_location'),
                ),
                migrations.AddIndex(
                    model_name='carehome',
                    index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('name'), name='gin_trgm_ops'), name='home_name_trigram'),
                ),
                migrations.AddConstraint(
                    model_name='carehome',
                    constraint=models.CheckConstraint(condition=models.Q(('cqc_location_id__regex', '^1-[0-9]{1,12}$')), name='home_cqc_id_format'),
                ),
                migrations.AddConstraint(
                    model_name='carehome',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'care_home'), ('service_type__in', ['with_nursing', 'without_nursing'])), models.Q(('kind', 'home_care_agency'), ('registered_beds__isnull', True), ('service_type__in', ['domiciliary'])), _connector='OR'), name='home_kind_service_type'),
                ),
                migrations.AddConstraint(
                    model_name='carehome',
                    constraint=models.CheckConstraint(condition=models.Q(('postcode__regex', '^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$')), name='home_postcode_format'),
                ),
                migrations.AddConstraint(
                    model_name='carehome',
                    constraint=models.CheckConstraint(condition=models.Q(('registered_beds__isnull', True), ('registered_beds__lte', 2000), _connector='OR'), name='home_beds_plausible'),
                ),
                migrations.AddConstraint(
                    model_name='carehome',
                    constraint=models.CheckConstraint(condition=models.Q(('fee_from__isnull', True), ('fee_to__isnull', True), ('fee_from__lte', models.F('fee_to')), _connector='OR'), name='home_fees_in_order'),
                ),
                migrations.AddConstraint(
                    model_name='carehome',
                    constraint=models.CheckConstraint(condition=models.Q(('latitude__gte', 49.0), ('latitude__lte', 61.0), ('longitude__gte', -8.7), ('longitude__lte', 2.0)), name='home_in_great_britain'),
                ),
                migrations.AddConstraint(
                    model_name='carehome',
                    constraint=models.CheckConstraint(condition=models.Q(('cqc_rating__isnull', True), ('cqc_rating__in', ('inspected_not_rated', 'insufficient_evidence', 'not_yet_rated')), ('cqc_rating_date__isnull', False), _connector='OR'), name='home_rating_has_date'),
                ),
            ],
            database_operations=[],
        ),
    ]
