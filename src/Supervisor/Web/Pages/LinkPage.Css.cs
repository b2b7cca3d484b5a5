namespace Supervisor.Web.Pages;

public sealed partial class LinkPage
{
    /// <summary>
    /// The unit page's stylesheet: phone first (one column, 16 px text so phones do not zoom into inputs, tap targets of
    /// at least 44 px, inputs full width, long titles wrap — nothing scrolls sideways at 360 px), a centred column on a desktop.
    /// </summary>
    private const string UnitCss = """
        *,*::before,*::after{box-sizing:border-box}
        body.unit{margin:0;font:16px/1.6 "WenQuanYi Micro Hei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f8fa;overflow-wrap:break-word}
        .unit header{display:flex;gap:.6rem;align-items:baseline;background:#8b1a1a;color:#fff;padding:.7rem 1rem}
        .unit header .brand{font-weight:bold;font-size:1.05rem}.unit header .sub{opacity:.85;font-size:.9rem}
        .unit main{max-width:44rem;margin:0 auto;padding:.8rem}
        .unit h1{font-size:1.3rem;margin:.2rem 0 .6rem}
        .unit .summary{display:flex;flex-wrap:wrap;gap:.4rem;margin:0 0 .8rem;padding:0;list-style:none}
        .unit .summary li{background:#fff;border:1px solid #d0d7de;border-radius:999px;padding:.15rem .7rem;font-size:.9rem}
        .unit .notice{background:#dafbe1;border:1px solid #4ac26b;border-radius:6px;padding:.6rem .8rem;margin:.5rem 0}
        .unit .error{background:#ffebe9;border:1px solid #ff8182;color:#82071e;border-radius:6px;padding:.6rem .8rem;margin:.5rem 0}
        .unit section.task{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:.8rem .9rem;margin:0 0 1rem}
        .unit section.task:target,.unit li.milestone:target{outline:3px solid #d4a72c;outline-offset:2px}
        .unit .task h2{font-size:1.08rem;line-height:1.45;margin:0 0 .2rem}
        .unit .task h2 .code{color:#8b1a1a;margin-right:.35rem}
        .unit .meta{color:#57606a;font-size:.9rem;margin:.1rem 0}
        .unit .schedule{margin:.5rem 0 .2rem}.unit .schedule progress{width:100%;height:.6rem;display:block;margin-top:.2rem}
        .unit ul.milestones{list-style:none;margin:.6rem 0 .4rem;padding:0}
        .unit li.milestone{border-top:1px solid #eaeef2;padding:.6rem 0}
        .unit .mhead{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.1rem .8rem}
        .unit .mtitle{font-weight:bold}
        .unit .status{font-weight:bold;white-space:nowrap}.unit .nw{white-space:nowrap}
        .unit .red{color:#cf222e}.unit .yellow{color:#9a6700}.unit .green{color:#1a7f37}.unit .blue{color:#0969da}.unit .muted{color:#57606a}
        .unit .returned{background:#fff8c5;border-left:4px solid #d4a72c;padding:.3rem .6rem;margin:.4rem 0}
        .unit details{margin:.4rem 0}
        .unit .mactions{display:flex;flex-wrap:wrap;column-gap:1.4rem}.unit .mactions details{margin:0}.unit .mactions details[open]{flex-basis:100%}
        .unit summary{min-height:44px;display:flex;align-items:center;cursor:pointer;color:#0969da;font-weight:bold;list-style-position:inside}
        .unit details.report{border:1px solid #d0d7de;border-radius:6px;padding:0 .7rem;background:#f6f8fa}
        .unit details.report[open]{padding-bottom:.7rem}
        .unit details.confirm[open]{background:#fff8c5;border-radius:6px;padding:0 .6rem .6rem}
        .unit form{margin:0}.unit form.inline{display:inline}
        .unit label{display:block;margin:.5rem 0 .2rem;font-size:.95rem}
        .unit input,.unit textarea{display:block;width:100%;min-height:44px;font:inherit;font-size:16px;padding:.45rem .6rem;border:1px solid #8c959f;border-radius:6px;background:#fff}
        .unit textarea{min-height:5rem}
        .unit input[type=file]{padding:.5rem .3rem}
        .unit .hint{color:#57606a;font-size:.85rem;margin:.2rem 0}
        .unit button{min-height:44px;min-width:44px;padding:.5rem 1.1rem;font:inherit;font-weight:bold;border:0;border-radius:6px;background:#8b1a1a;color:#fff;cursor:pointer;margin-top:.6rem}
        .unit button.secondary{background:#57606a}.unit button.wide{width:100%}
        .unit .actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
        @media (min-width:40rem){.unit main{padding:1.2rem}.unit button.wide{width:auto}}
        """;
}
