using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using NovaOps.Tests.Shared;

namespace NovaOps.Dashboards.Tests;

/// <summary>The shipped dashboard files: what the catalog writes, and valid Grafana dashboards.</summary>
public class DashboardFilesTests
{
    public static TheoryData<string> Uids() => [.. Catalog.All.Select(d => d.Uid)];

    private static string File(string uid) => Repository.Path("dashboards", $"{uid}.json");

    [Theory]
    [MemberData(nameof(Uids))]
    public void The_committed_dashboard_is_what_the_catalog_writes(string uid)
    {
        var written = GrafanaJson.Render(Catalog.All.Single(d => d.Uid == uid));
        Assert.True(System.IO.File.Exists(File(uid)), $"{File(uid)} is missing: run `dotnet run --project dashboards/NovaOps.Dashboards -- dashboards`");
        var committed = JsonNode.Parse(System.IO.File.ReadAllText(File(uid)));
        Assert.True(JsonNode.DeepEquals(written, committed), $"{uid}.json differs from the catalog: run `dotnet run --project dashboards/NovaOps.Dashboards -- dashboards`");
    }

    [Theory]
    [MemberData(nameof(Uids))]
    public void The_dashboard_validates_against_grafanas_dashboard_schema(string uid)
    {
        var schema = JsonSchema.FromText(System.IO.File.ReadAllText(Repository.Path("dashboards", "schema", "dashboard.schema.json")));
        var result = schema.Evaluate(JsonDocument.Parse(System.IO.File.ReadAllText(File(uid))).RootElement,
            new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(400).ToList();
        Assert.True(result.IsValid, $"{uid}.json is not a valid Grafana dashboard:\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void Every_panel_has_a_query_with_a_unique_id_on_a_grid_that_does_not_overlap()
    {
        foreach (var d in Catalog.All)
        {
            var json = GrafanaJson.Render(d);
            var panels = json["panels"]!.AsArray().Select(p => p!.AsObject()).ToList();
            Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
            var cells = new HashSet<(int, int)>();
            foreach (var p in panels)
            {
                var g = p["gridPos"]!;
                int x = (int)g["x"]!, y = (int)g["y"]!, w = (int)g["w"]!, h = (int)g["h"]!;
                Assert.True(x + w <= 24, $"{d.Uid}: panel {p["title"]} passes the grid's 24 columns");
                for (int i = x; i < x + w; i++)
                    for (int j = y; j < y + h; j++)
                        Assert.True(cells.Add((i, j)), $"{d.Uid}: panel {p["title"]} overlaps another");
                if ((string)p["type"]! != "row") Assert.NotEmpty(p["targets"]!.AsArray());
            }
            // Every variable a query uses is the dashboard's (or Grafana's own): nothing is left once they are resolved.
            Assert.All(d.ResolvedQueries(), q => Assert.DoesNotContain("$", q.Expr));
        }
    }
}
