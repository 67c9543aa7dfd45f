"""CQC's facts: a rating the source did not give can be NULL, "not known" (issue 24); the
history says who changed a home for whom and why (CareHomeChange.source, organisation,
note). The data follows in 0009: an UPDATE here would leave trigger events pending (the
API changes feed's), and PostgreSQL refuses to ALTER a table that has them.
"""

from django.db import migrations, models

class Migration(migrations.Migration):

    dependencies = [
        ('homes', '0007_public_page'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='carehome',
            name='home_rating_has_date',
        ),
        migrations.AddField(
            model_name='carehomechange',
            name='note',
            field=models.CharField(blank=True, db_default='', default='', max_length=500),
        ),
        migrations.AddField(
            model_name='carehomechange',
            name='organisation',
            field=models.CharField(blank=True, db_default='', default='', max_length=200),
        ),
        migrations.AddField(
            model_name='carehomechange',
            name='source',
            field=models.CharField(choices=[('person', 'Someone in the portal, or their file'), ('cqc', "CQC's register"), ('correction', "A correction of CQC's facts")], db_default='person', default='person', max_length=12),
        ),
        migrations.AlterField(
            model_name='carehome',
            name='cqc_rating',
            field=models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], max_length=30, null=True, verbose_name='CQC rating'),
        ),
        migrations.AlterField(
            model_name='carehome',
            name='rating_caring',
            field=models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], default=None, max_length=30, null=True, verbose_name='CQC rating: Caring'),
        ),
        migrations.AlterField(
            model_name='carehome',
            name='rating_effective',
            field=models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], default=None, max_length=30, null=True, verbose_name='CQC rating: Effective'),
        ),
        migrations.AlterField(
            model_name='carehome',
            name='rating_responsive',
            field=models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], default=None, max_length=30, null=True, verbose_name='CQC rating: Responsive'),
        ),
        migrations.AlterField(
            model_name='carehome',
            name='rating_safe',
            field=models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], default=None, max_length=30, null=True, verbose_name='CQC rating: Safe'),
        ),
        migrations.AlterField(
            model_name='carehome',
            name='rating_well_led',
            field=models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate'), ('inspected_not_rated', 'Inspected but not rated'), ('insufficient_evidence', 'Insufficient evidence to rate'), ('not_yet_rated', 'Not yet rated')], default=None, max_length=30, null=True, verbose_name='CQC rating: Well-led'),
        ),
        migrations.AddConstraint(
            model_name='carehome',
            constraint=models.CheckConstraint(condition=models.Q(('cqc_rating__isnull', True), ('cqc_rating__in', ('inspected_not_rated', 'insufficient_evidence', 'not_yet_rated')), ('cqc_rating_date__isnull', False), _connector='OR'), name='home_rating_has_date'),
        ),
    ]
