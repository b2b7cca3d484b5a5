using Supervisor.Core.Calendar;
using Supervisor.Core.Delivery;

namespace Supervisor.Core.Tests.Delivery;

public sealed class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Max = TimeSpan.FromHours(1);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    public void Delay_DoublesPerAttempt_WithFullJitterAtTheTop(int attempt, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes * 0.5), Backoff.Delay(attempt, Min, Max, jitter: 0));
        Assert.True(Backoff.Delay(attempt, Min, Max, jitter: 0.999999) <= TimeSpan.FromMinutes(minutes));
        Assert.True(Backoff.Delay(attempt, Min, Max, jitter: 0.999) > TimeSpan.FromMinutes(minutes * 0.99));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(1000)]
    public void Delay_IsCappedAtMax_ForManyAttempts(int attempt)
    {
        Assert.Equal(TimeSpan.FromMinutes(30), Backoff.Delay(attempt, Min, Max, jitter: 0));
        Assert.True(Backoff.Delay(attempt, Min, Max, jitter: 0.9999) <= Max);
    }

    [Fact]
    public void Delay_IsMonotonicInJitter_AndNeverBelowHalf()
    {
        var previous = TimeSpan.Zero;
        for (var j = 0.0; j < 1; j += 0.05)
        {
            var d = Backoff.Delay(3, Min, Max, j);
            Assert.True(d >= previous);
            Assert.True(d >= TimeSpan.FromMinutes(2));
            previous = d;
        }
    }

    [Fact]
    public void Next_IsNull_WhenTheRetryWouldFallPastGiveUp()
    {
        var queued = new DateTimeOffset(2023, 6, 26, 1, 0, 0, TimeSpan.Zero);
        Assert.NotNull(Backoff.Next(queued.AddHours(1), queued, 3, Min, Max, TimeSpan.FromHours(24), 0.5));
        Assert.Null(Backoff.Next(queued.AddHours(23.9), queued, 10, Min, Max, TimeSpan.FromHours(24), 0.5));
    }

    [Fact]
    public void Delay_RejectsBadInput()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Delay(0, Min, Max, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Delay(1, Min, Max, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Delay(1, Max, Min, 0));
    }
}

public sealed class SmsTextTests
{
    [Fact]
    public void ExampleSummary_FitsOneSegment()
    {
        const string text = "【某县督查室】贵单位有2项任务逾期、3项临期，请于今日反馈。";
        Assert.True(SmsText.FitsOneSegment(text));
        Assert.Equal(text, SmsText.Fit(text));
    }

    [Fact]
    public void Fit_CutsTo70Characters_EndingInEllipsis()
    {
        var text = new string('督', 100);
        var fitted = SmsText.Fit(text);
        Assert.Equal(70, SmsText.Length(fitted));
        Assert.EndsWith("…", fitted, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_CountsChineseCharactersOnce_AndSurrogatePairsOnce()
    {
        Assert.Equal(3, SmsText.Length("督查室"));
        Assert.Equal(1, SmsText.Length("𠀀"));
    }

    [Theory]
    [InlineData("13800000101", "138****0101")]
    [InlineData("1380000", "*******")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void PhoneMask_KeepsThreeAndFour(string? phone, string masked) => Assert.Equal(masked, PhoneMask.Mask(phone));

    [Fact]
    public void PhoneMask_Address_LeavesEmailAlone()
    {
        Assert.Equal("a@b.cn", PhoneMask.Address("a@b.cn"));
        Assert.Equal("139****9999", PhoneMask.Address("13912349999"));
    }
}

public sealed class QuietHoursTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly WorkingCalendar Official = new(CalendarCsv.Parse(SeedFiles.WorkdaysCsv));
    private static readonly QuietHours Default = new(new TimeOnly(21, 0), new TimeOnly(8, 0));

    private static DateTimeOffset Local(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.FromHours(8));

    [Fact]
    public void WorkingDayDaytime_IsAllowedNow()
    {
        var now = Local(2023, 6, 26, 10, 15);
        Assert.Equal(now, Default.NextAllowed(now, Shanghai, Official));
    }

    [Fact]
    public void WorkingDayEvening_WaitsForNextWorkingMorning()
    {
        Assert.Equal(Local(2023, 6, 27, 8), Default.NextAllowed(Local(2023, 6, 26, 21, 0), Shanghai, Official));
        Assert.Equal(Local(2023, 6, 27, 8), Default.NextAllowed(Local(2023, 6, 27, 7, 59), Shanghai, Official));
    }

    [Fact]
    public void FridayNight_WaitsForMonday()
    {
        Assert.Equal(Local(2023, 7, 3, 8), Default.NextAllowed(Local(2023, 6, 30, 22), Shanghai, Official));
    }

    [Fact]
    public void NationalDayHoliday_WaitsForTheMakeUpSaturday()
    {
        // 2023-09-29..10-06 holiday; 2023-10-07 (Saturday) a make-up working day.
        Assert.Equal(Local(2023, 10, 7, 8), Default.NextAllowed(Local(2023, 10, 2, 12), Shanghai, Official));
    }

    [Fact]
    public void WindowWithinTheDay_AndNoWindow()
    {
        var lunch = new QuietHours(new TimeOnly(12, 0), new TimeOnly(14, 0));
        Assert.Equal(Local(2023, 6, 26, 14), lunch.NextAllowed(Local(2023, 6, 26, 12, 30), Shanghai, Official));
        Assert.True(lunch.IsQuiet(new TimeOnly(13, 0)));
        Assert.False(lunch.IsQuiet(new TimeOnly(23, 0)));
        var none = new QuietHours(new TimeOnly(8, 0), new TimeOnly(8, 0));
        Assert.False(none.IsQuiet(new TimeOnly(3, 0)));
    }
}

public sealed class TemplateTests
{
    [Fact]
    public void Render_FillsPlaceholders_AndRepeatsSections()
    {
        var template = new Template("{{unit}}：{{#items}}[{{code}} {{unit}}]{{/items}}{{missing}}", html: false);
        var text = template.Render(new Dictionary<string, object?>
        {
            ["unit"] = "区发改局",
            ["items"] = new List<IReadOnlyDictionary<string, object?>>
            {
                new Dictionary<string, object?> { ["code"] = "1" },
                new Dictionary<string, object?> { ["code"] = "2" },
            },
        });
        Assert.Equal("区发改局：[1 区发改局][2 区发改局]", text);
    }

    [Fact]
    public void Render_NestedSections_RepeatEachTasksMilestonesUnderIt()
    {
        static IReadOnlyDictionary<string, object?> Item(params (string Name, object? Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);
        var template = new Template("{{#tasks}}{{code}} {{task}}\n{{#milestones}}  {{milestone}} {{status}} {{code}}\n{{/milestones}}{{/tasks}}", html: false);

        var text = template.Render(new Dictionary<string, object?>
        {
            ["tasks"] = new List<IReadOnlyDictionary<string, object?>>
            {
                Item(("code", "19"), ("task", "农田水利"), ("milestones", new List<IReadOnlyDictionary<string, object?>> { Item(("milestone", "方案"), ("status", "已逾期2个工作日（2天）")), Item(("milestone", "竣工"), ("status", "今日到期")) })),
                Item(("code", "20"), ("task", "道路"), ("milestones", new List<IReadOnlyDictionary<string, object?>> { Item(("milestone", "开工"), ("status", "3天后到期")) })),
            },
        });

        Assert.Equal("19 农田水利\n  方案 已逾期2个工作日（2天） 19\n  竣工 今日到期 19\n20 道路\n  开工 3天后到期 20\n", text);
    }

    [Fact]
    public void Render_EncodesValuesInHtml()
    {
        var html = new Template("<td>{{title}}</td>", html: true).Render(new Dictionary<string, object?> { ["title"] = "<b>路&桥</b>" });
        Assert.Equal("<td>&lt;b&gt;路&amp;桥&lt;/b&gt;</td>", html);
    }

    [Fact]
    public void MessageKey_IsRecipientChannelKindDate()
    {
        Assert.Equal("li@x.cn|email|unit_digest|2023-06-26", MessageKey.For(" Li@X.cn ", "email", "unit_digest", new DateOnly(2023, 6, 26)));
    }
}
