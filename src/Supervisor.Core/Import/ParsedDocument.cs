namespace Supervisor.Core.Import;

/// <summary>A warning found while reading a plan document; <see cref="Line"/> is 1-based (0 when not tied to a line).</summary>
public sealed record ParseWarning(int Line, string Message);

/// <summary>One numbered task as read from a document, before units are normalised and milestones derived.</summary>
public sealed class ParsedTask
{
    /// <summary>Unique within the plan: the item number, qualified by section when numbers restart ("2.3").</summary>
    public required string Code { get; init; }

    public required string Title { get; init; }

    /// <summary>Full task text with the responsibility clause and Markdown noise removed.</summary>
    public required string Text { get; init; }

    /// <summary>Section titles from the outermost down, numbering kept ("二、2023年七个方面主要工作安排").</summary>
    public required IReadOnlyList<string> SectionPath { get; init; }

    public IReadOnlyList<string> Leaders { get; init; } = [];

    public IReadOnlyList<string> LeadUnits { get; init; } = [];

    public IReadOnlyList<string> CoUnits { get; init; } = [];

    /// <summary>Collective references ("相关乡镇办", "各乡镇") that name no single unit.</summary>
    public IReadOnlyList<string> UnitGroups { get; init; } = [];

    /// <summary>The text of a deadline column (tables), when the document has one.</summary>
    public string? DeadlineText { get; init; }

    /// <summary>Quantified goals found in the text ("地区生产总值增长8%以上").</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>1-based line where the task starts.</summary>
    public int Line { get; init; }

    public bool NoResponsibleUnit => LeadUnits.Count == 0 && CoUnits.Count == 0 && UnitGroups.Count == 0;
}

/// <summary>What a document says, as read: title and year when the document names them, tasks, warnings.</summary>
public sealed record ParsedDocument(string? Title, int? Year, IReadOnlyList<ParsedTask> Tasks, IReadOnlyList<ParseWarning> Warnings);
