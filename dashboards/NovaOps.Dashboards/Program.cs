using System.Text.Json;
using NovaOps.Dashboards;

// Writes every dashboard of the catalog to <folder>/<uid>.json (default: the current folder).
string folder = args.Length > 0 ? args[0] : ".";
Directory.CreateDirectory(folder);
foreach (var d in Catalog.All)
{
    string path = Path.Combine(folder, $"{d.Uid}.json");
    File.WriteAllText(path, GrafanaJson.Render(d).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    Console.WriteLine($"{path}: {d.Rows.Sum(r => r.Panels.Count)} panels");
}
