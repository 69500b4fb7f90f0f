def test_genova_loads(client, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    page = client.get("/eventi/1")
    assert page.status_code == 200
