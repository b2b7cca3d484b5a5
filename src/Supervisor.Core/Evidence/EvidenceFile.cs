namespace Supervisor.Core.Evidence;

/// <summary>A file of 佐证材料 as accepted: its safe name, its type decided from its bytes, the bytes and their SHA-256.</summary>
public sealed record EvidenceFile(string FileName, EvidenceType Type, byte[] Content, byte[] Sha256);
