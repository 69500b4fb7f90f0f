"""On `flask demo generate` data the results page shows the programme's published figures,
computed by the same code as every other page (the figures come from shared/data, copied into
fis_events/demo/data/fis-programme.json)."""
import html
import json
from pathlib import Path

PUBLISHED = json.loads((Path(__file__).resolve().parents[2] / "fis_events" / "demo" / "data"
                        / "fis-programme.json").read_text(encoding="utf-8"))


def test_results_page_shows_the_published_figures(client, runner, app_ctx):
    for args in (["demo", "load", "--no-users"], ["demo", "generate"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    page = html.unescape(" ".join(client.get("/programmi/FIS/risultati").get_data(as_text=True).split()))
    applied, feasibility, experimentation = (stage["count"] for stage in PUBLISHED["pipeline"])
    results = PUBLISHED["results"]
    by_phase = results["participants"]["by_phase"]
    for statement in (
            f"<strong>{applied}</strong> Comuni sul territorio nazionale che hanno risposto all'avviso pubblico",
            f"<strong>{feasibility}</strong> Comuni selezionati in fase di studio di fattibilità",
            f"<strong>{experimentation}</strong> Comuni oggi coinvolti in fase sperimentale",
            f"<strong>{results['support_meetings']['count']}</strong> incontri di supporto ai comuni beneficiari e partner",
            f"<strong>{results['participants']['total']}</strong> partecipanti complessivi, tra Comuni e "
            f"partenariato: {by_phase['feasibility']} nella prima fase, {by_phase['experimentation']} "
            "nella fase di sperimentazione"):
        assert statement in page
    assert (applied, feasibility, experimentation) == (34, 21, 18)
    api = client.get("/api/v1/programmes/FIS/results").get_json()
    assert api["participants"]["phase_sum"] == 425 and api["support_meetings_held"] == 130
    assert api["participants"]["distinct"] < 425  # some people took part in both phases
