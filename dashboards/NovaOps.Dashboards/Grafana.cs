using System.Text.Json.Nodes;

namespace NovaOps.Dashboards;

/// <summary>A Prometheus query of a panel, with the legend Grafana shows for each series.</summary>
public sealed record Query(string Expr, string Legend = "");

/// <summary>
/// A panel: its kind (timeseries, stat, bargauge, table, heatmap), its queries, the unit of its values (a Grafana unit id:
/// ops, percentunit, s, short, none) and its width on the 24-column grid; panels fill rows left to right.
/// </summary>
public sealed record Panel(string Title, string Kind, IReadOnlyList<Query> Queries, string Unit = "short", int Width = 12, int Height = 8,
    string Description = "", bool Stacked = false);

/// <summary>A row of panels under a heading.</summary>
public sealed record Row(string Title, IReadOnlyList<Panel> Panels);

/// <summary>A template variable: a label of a metric, filtered by the variables before it.</summary>
public sealed record Variable(string Name, string Label, string Query);

/// <summary>A dashboard as NovaOps ships it.</summary>
public sealed record Dashboard(string Uid, string Title, string Description, IReadOnlyList<Variable> Variables, IReadOnlyList<Row> Rows)
{
    /// <summary>
    /// The panels' queries as Grafana sends them with every variable at "All" (<c>.*</c>), the given rate interval and
    /// dashboard range.
    /// </summary>
    public IEnumerable<(string Panel, string Expr)> ResolvedQueries(string rateInterval = "5m", string range = "1h") =>
        Rows.SelectMany(r => r.Panels).SelectMany(p => p.Queries.Select(q => (p.Title, Resolve(q.Expr, rateInterval, range))));

    private string Resolve(string expr, string rateInterval, string range)
    {
        // Longest names first: $__range must not eat the start of $__rate_interval.
        expr = expr.Replace("$__rate_interval", rateInterval).Replace("$__range", range);
        foreach (var v in Variables) expr = expr.Replace($"${v.Name}", ".*");
        return expr;
    }
}

/// <summary>Grafana's dashboard JSON model (schema version 39) for a <see cref="Dashboard"/>, on a Prometheus data source chosen at import.</summary>
public static class GrafanaJson
{
    public const int SchemaVersion = 39;
    private static readonly JsonObject DataSource = new() { ["type"] = "prometheus", ["uid"] = "${datasource}" };

    public static JsonObject Render(Dashboard d)
    {
        var panels = new JsonArray();
        int id = 1, y = 0;
        foreach (var row in d.Rows)
        {
            panels.Add(new JsonObject
            {
                ["id"] = id++, ["type"] = "row", ["title"] = row.Title, ["collapsed"] = false,
                ["gridPos"] = Grid(0, y, 24, 1), ["panels"] = new JsonArray(),
            });
            y++;
            int x = 0, rowHeight = 0;
            foreach (var p in row.Panels)
            {
                if (x + p.Width > 24) { y += rowHeight; x = 0; rowHeight = 0; }
                panels.Add(RenderPanel(p, id++, Grid(x, y, p.Width, p.Height)));
                x += p.Width;
                rowHeight = Math.Max(rowHeight, p.Height);
            }
            y += rowHeight;
        }
        return new JsonObject
        {
            ["uid"] = d.Uid,
            ["title"] = d.Title,
            ["description"] = d.Description,
            ["tags"] = new JsonArray("novaops"),
            ["editable"] = true,
            ["graphTooltip"] = 1, // shared crosshair: one time across panels
            ["schemaVersion"] = SchemaVersion,
            ["version"] = 1,
            ["timezone"] = "browser",
            ["refresh"] = "30s",
            ["time"] = new JsonObject { ["from"] = "now-6h", ["to"] = "now" },
            ["fiscalYearStartMonth"] = 0,
            ["liveNow"] = false,
            ["weekStart"] = "",
            ["annotations"] = new JsonObject { ["list"] = new JsonArray(BuiltInAnnotations()) },
            ["links"] = new JsonArray(new JsonObject
            {
                ["title"] = "NovaOps", ["type"] = "dashboards", ["tags"] = new JsonArray("novaops"), ["asDropdown"] = true,
                ["includeVars"] = true, ["keepTime"] = true, ["targetBlank"] = false, ["icon"] = "external link", ["tooltip"] = "", ["url"] = "",
            }),
            ["templating"] = new JsonObject { ["list"] = Templating(d.Variables) },
            ["panels"] = panels,
        };
    }

    private static JsonObject Grid(int x, int y, int w, int h) => new() { ["x"] = x, ["y"] = y, ["w"] = w, ["h"] = h };

    // Grafana's own annotations and alert states. (A Prometheus query as an annotation is not part of the dashboard
    // schema's annotation model; the firing NovaOps alerts are a panel of the fleet dashboard instead.)
    private static JsonObject BuiltInAnnotations() => new()
    {
        ["builtIn"] = 1, ["name"] = "Annotations & Alerts", ["type"] = "dashboard", ["enable"] = true, ["hide"] = true,
        ["iconColor"] = "rgba(0, 211, 255, 1)",
        ["datasource"] = new JsonObject { ["type"] = "grafana", ["uid"] = "-- Grafana --" },
    };

    private static JsonArray Templating(IReadOnlyList<Variable> variables)
    {
        var list = new JsonArray(new JsonObject
        {
            ["type"] = "datasource", ["name"] = "datasource", ["label"] = "Prometheus", ["query"] = "prometheus",
            ["hide"] = 0, ["refresh"] = 1, ["current"] = new JsonObject { ["text"] = "default", ["value"] = "default" }, ["options"] = new JsonArray(),
            ["skipUrlSync"] = false,
        });
        foreach (var v in variables)
            list.Add(new JsonObject
            {
                ["type"] = "query", ["name"] = v.Name, ["label"] = v.Label,
                ["datasource"] = DataSource.DeepClone(),
                ["query"] = new JsonObject { ["query"] = v.Query, ["refId"] = $"{v.Name}-variable" },
                ["includeAll"] = true, ["multi"] = true, ["allValue"] = ".*",
                ["refresh"] = 2, // on time range change: zones and tenants come and go
                ["sort"] = 1, ["hide"] = 0, ["regex"] = "", ["skipUrlSync"] = false,
                ["current"] = new JsonObject { ["text"] = "All", ["value"] = "$__all", ["selected"] = true },
                ["options"] = new JsonArray(),
            });
        return list;
    }

    private static JsonObject RenderPanel(Panel p, int id, JsonObject grid)
    {
        var targets = new JsonArray();
        char refId = 'A';
        foreach (var q in p.Queries)
            targets.Add(new JsonObject
            {
                ["refId"] = (refId++).ToString(), ["datasource"] = DataSource.DeepClone(), ["expr"] = q.Expr,
                ["legendFormat"] = q.Legend, ["range"] = p.Kind != "table", ["instant"] = p.Kind == "table",
                ["editorMode"] = "code",
            });
        var custom = p.Kind == "timeseries"
            ? new JsonObject
            {
                ["drawStyle"] = "line", ["lineWidth"] = 1, ["fillOpacity"] = p.Stacked ? 30 : 10, ["showPoints"] = "never", ["spanNulls"] = false,
                ["stacking"] = new JsonObject { ["mode"] = p.Stacked ? "normal" : "none", ["group"] = "A" },
            }
            : new JsonObject();
        return new JsonObject
        {
            ["id"] = id,
            ["type"] = p.Kind,
            ["title"] = p.Title,
            ["description"] = p.Description,
            ["gridPos"] = grid,
            ["datasource"] = DataSource.DeepClone(),
            ["targets"] = targets,
            ["fieldConfig"] = new JsonObject
            {
                ["defaults"] = new JsonObject { ["unit"] = p.Unit, ["custom"] = custom },
                ["overrides"] = new JsonArray(),
            },
            ["options"] = Options(p.Kind),
        };
    }

    private static JsonObject Options(string kind) => kind switch
    {
        "stat" => new JsonObject
        {
            ["reduceOptions"] = new JsonObject { ["calcs"] = new JsonArray("lastNotNull"), ["fields"] = "", ["values"] = false },
            ["colorMode"] = "value", ["graphMode"] = "area", ["justifyMode"] = "auto", ["textMode"] = "auto", ["orientation"] = "auto",
        },
        "bargauge" => new JsonObject
        {
            ["reduceOptions"] = new JsonObject { ["calcs"] = new JsonArray("lastNotNull"), ["fields"] = "", ["values"] = false },
            ["orientation"] = "horizontal", ["displayMode"] = "gradient", ["showUnfilled"] = true,
        },
        "table" => new JsonObject { ["showHeader"] = true, ["cellHeight"] = "sm" },
        "heatmap" => new JsonObject
        {
            ["calculate"] = false, ["yAxis"] = new JsonObject { ["axisPlacement"] = "left" },
            ["color"] = new JsonObject { ["mode"] = "scheme", ["scheme"] = "Oranges" },
            ["cellGap"] = 1,
        },
        _ => new JsonObject
        {
            ["legend"] = new JsonObject { ["displayMode"] = "list", ["placement"] = "bottom", ["showLegend"] = true },
            ["tooltip"] = new JsonObject { ["mode"] = "multi", ["sort"] = "desc" },
        },
    };
}
