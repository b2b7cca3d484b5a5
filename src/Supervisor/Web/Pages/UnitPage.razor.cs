using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>One unit: its rate, contacts, tasks, milestones, API tokens (admin) and the messages it was sent.</summary>
public sealed partial class UnitPage
{
    public sealed record View(
        UnitInfo Unit, UnitRate? Rate, IReadOnlyList<ContactInfo> Contacts, IReadOnlyList<TaskInfo> Tasks, IReadOnlyList<MilestoneInfo> Milestones,
        IReadOnlyList<UnitTokenInfo>? Tokens, IReadOnlyList<MessageInfo> Messages, DateTime Now, TimeZoneInfo Zone) : IPageModel<UnitPage>
    {
        /// <summary>Today and the calendar, for where each milestone stands (<see cref="Format.Standing"/>).</summary>
        public required (DateOnly Today, Core.Calendar.WorkingCalendar Calendar) Clock { get; init; }

        /// <summary>未签收: the unit's tasks with an open milestone it has not signed for.</summary>
        public IReadOnlySet<long> ToSign { get; init; } = new HashSet<long>();
    }

    internal static async Task<IResult> RenderAsync(long id, HttpContext http, UnitQueries unitQueries, TaskQueries taskQueries, MilestoneQueries milestoneQueries, MessageQueries messageQueries, UnitTokenStore tokens, SupervisionEngine engine, AcknowledgementQueries acknowledgements, CalendarStore calendars, TimeProvider time, TimeZoneInfo zone, CancellationToken ct)
    {
        var unit = await unitQueries.UnitAsync(id, ct);
        if (unit is null)
        {
            return Render.NotFound("单位不存在", "没有这个单位。");
        }

        var today = PageContext.Today(engine, time);
        var rate = (await engine.RatesAsync(today, ct)).FirstOrDefault(r => r.UnitId == id);
        return Render.Page(new View(
            unit, rate, await unitQueries.ContactsAsync(id, ct), await taskQueries.TasksAsync(new TaskFilter(null, null, id, null, null), ct),
            await milestoneQueries.MilestonesOfUnitAsync(id, false, ct), PageContext.IsAdmin(http) ? await tokens.ListAsync(id, ct) : null,
            await messageQueries.MessagesAsync(null, null, null, id, null, 200, ct), time.GetUtcNow().UtcDateTime, zone)
        {
            Clock = (today, await calendars.LoadAsync(ct)),
            ToSign = (await acknowledgements.UnsignedAsync(null, id, ct)).Select(u => u.TaskId).ToHashSet(),
        });
    }
}
