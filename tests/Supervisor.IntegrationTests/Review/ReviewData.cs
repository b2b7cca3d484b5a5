using System.Security.Cryptography;
using Dapper;
using SkiaSharp;
using Supervisor.Core.Evidence;

namespace Supervisor.IntegrationTests.Review;

/// <summary>Tasks with a lead and a co unit written straight to the tables, and a site photo as a unit would attach it.</summary>
public static class ReviewData
{
    private static int _next;

    /// <summary>A new task led by a new unit (a liaison with e-mail) with a co unit; returns the completion milestone due <paramref name="due"/>.</summary>
    public static async Task<(long Task, long Milestone, long Lead, string LeadName, long Co, string CoName)> TaskAsync(Npgsql.NpgsqlDataSource dataSource, string title, DateOnly due)
    {
        var n = Interlocked.Increment(ref _next);
        await using var c = await dataSource.OpenConnectionAsync();
        var plan = await c.ExecuteScalarAsync<long>("""
            insert into plans (year, title, imported_at, updated_at) values (@year, '审核测试方案', now(), now())
            on conflict (title, year) do update set updated_at = excluded.updated_at returning id
            """, new { year = due.Year });
        var leadName = $"审核测试局{n}";
        var coName = $"配合测试局{n}";
        var lead = await c.ExecuteScalarAsync<long>("insert into units (name, created_at) values (@leadName, now()) returning id", new { leadName });
        var co = await c.ExecuteScalarAsync<long>("insert into units (name, created_at) values (@coName, now()) returning id", new { coName });
        await c.ExecuteAsync("insert into contacts (unit_id, role, name, email, updated_at) values (@lead, 'liaison', '联络员', @email, now())", new { lead, email = $"liaison{n}@review.example.cn" });
        var task = await c.ExecuteScalarAsync<long>(
            "insert into tasks (plan_id, code, title, full_text, position, created_at, updated_at) values (@plan, @code, @title, @title, @n, now(), now()) returning id",
            new { plan, code = $"R{n}", title, n });
        await c.ExecuteAsync("insert into task_units (task_id, unit_id, role) values (@task, @lead, 'lead'), (@task, @co, 'co')", new { task, lead, co });
        var milestone = await c.ExecuteScalarAsync<long>(
            "insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at) values (@task, 'completion', 'completion', @title, @due, @due, now(), now()) returning id",
            new { task, title, due });
        return (task, milestone, lead, leadName, co, coName);
    }

    /// <summary>A PNG of a building site (sky, ground, a frame going up), recognised by its content as a unit's upload is.</summary>
    public static EvidenceFile SitePhoto(string name, SKColor building)
    {
        using var bitmap = new SKBitmap(480, 320);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var sky = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, 200), [new SKColor(0x87, 0xCE, 0xEB), SKColors.White], SKShaderTileMode.Clamp) };
            canvas.DrawRect(0, 0, 480, 220, sky);
            using var ground = new SKPaint { Color = new SKColor(0x8B, 0x73, 0x55) };
            canvas.DrawRect(0, 220, 480, 100, ground);
            using var frame = new SKPaint { Color = building };
            canvas.DrawRect(150, 90, 180, 130, frame);
            using var windows = new SKPaint { Color = SKColors.LightYellow };
            for (var x = 170; x < 320; x += 40)
            {
                for (var y = 110; y < 200; y += 35)
                {
                    canvas.DrawRect(x, y, 20, 20, windows);
                }
            }

            using var crane = new SKPaint { Color = SKColors.Orange, StrokeWidth = 6, IsStroke = true };
            canvas.DrawLine(380, 220, 380, 40, crane);
            canvas.DrawLine(300, 45, 460, 45, crane);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 90);
        var bytes = data.ToArray();
        var (type, refusal) = EvidenceTypes.Recognise(bytes, name);
        Assert.True(type is not null, refusal);
        return new EvidenceFile(EvidenceTypes.SafeFileName(name, type!), type!, bytes, SHA256.HashData(bytes));
    }
}
