using System.Text;

namespace Supervisor.IntegrationTests.Infrastructure;

/// <summary>A large plan in the seed-003 style: sections of 50 items, numbers running through, varied clauses and deadlines.</summary>
public static class GeneratedPlan
{
    private static readonly string[] Units = ["区发改局", "区财政局", "区交通运输局", "区住建局", "区农业农村局", "区教育局", "区卫健局", "区商务局", "区水利和湖泊局", "区自然资源和规划局"];
    private static readonly string[] Leaders = ["杜新国", "洪声耀", "陈浩", "丁玲", "刘伍寿"];
    private static readonly string[] Deadlines = ["3月底前", "6月底前", "9月底前", "年底前", "上半年", "一季度", "11月底前完成验收", "长期坚持"];
    private static readonly string[] Digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

    /// <summary>Chinese numerals 1–999 as section numbers are written (十二, 二十, 一百零五).</summary>
    public static string Chinese(int n)
    {
        if (n >= 100)
        {
            var rest = n % 100;
            return Digits[n / 100] + "百" + (rest == 0 ? "" : rest < 10 ? "零" + Digits[rest] : rest < 20 ? "一" + Chinese(rest) : Chinese(rest));
        }

        return n < 10 ? Digits[n] : (n < 20 ? "" : Digits[n / 10]) + "十" + Digits[n % 10];
    }

    public static string Text(int tasks)
    {
        var text = new StringBuilder("2026年重点工作任务责任分解方案\n\n");
        for (var i = 1; i <= tasks; i++)
        {
            if ((i - 1) % 50 == 0)
            {
                var section = (i - 1) / 50;
                text.Append("  ").Append(Chinese(section + 1)).Append("、第").Append(section + 1).Append("部分重点工作\n\n");
            }

            var lead = Units[i % Units.Length];
            var co = Units[(i + 3) % Units.Length];
            text.Append("  ").Append(i).Append(".推进第").Append(i).Append("项重点工程建设，完成投资").Append(i % 90 + 10).Append("亿元，")
                .Append(Deadlines[i % Deadlines.Length]).Append("。(责任领导:").Append(Leaders[i % Leaders.Length])
                .Append(";牵头单位:").Append(lead).Append(";责任单位:").Append(co).Append(",相关乡镇办)\n\n");
        }

        return text.ToString();
    }
}
