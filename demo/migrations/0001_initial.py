from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DatasetBuild",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scale", models.CharField(max_length=200)),
                ("seed", models.IntegerField()),
                ("homes", models.PositiveIntegerField()),
                ("built_at", models.DateTimeField(auto_now=True)),
            ],
        ),
    ]
