import Foundation

/// One self-contained HTML page (inline CSS, a small inline script for the step slider, images
/// referenced by relative path), openable from disk with no network.
public struct ReportPage {
    public enum Figure {
        /// A standalone SVG file.
        case image(src: String, alt: String, caption: String)
        /// One SVG per step in `folder` (`step-<N>.svg`, identical axes); the page's slider picks one.
        case stepped(folder: String, alt: String, caption: String)
        /// A paragraph of plain text.
        case note(String)
    }

    public struct Section {
        public var id: String
        public var title: String
        public var intro: String
        public var figures: [Figure]
        /// Figures shown inside a collapsed "more" block.
        public var more: [Figure]
        public init(id: String, title: String, intro: String, figures: [Figure], more: [Figure] = []) {
            self.id = id
            self.title = title
            self.intro = intro
            self.figures = figures
            self.more = more
        }
    }

    public var title: String
    /// Plain-text lines under the title (database, steps, build time); escaped on output.
    public var header: [String]
    public var demoNote: String?
    public var sections: [Section]
    /// Steps offered by the slider (empty: no slider).
    public var steps: [Int]
    public var links: [(href: String, label: String)]

    public init(title: String, header: [String], demoNote: String?, sections: [Section], steps: [Int],
                links: [(href: String, label: String)] = []) {
        self.title = title
        self.header = header
        self.demoNote = demoNote
        self.sections = sections
        self.steps = steps
        self.links = links
    }

    static let css = """
    body{font-family:"DejaVu Sans","Liberation Sans",Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
    header{padding:14px 24px 10px;background:#fff;border-bottom:1px solid #ddd}
    h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:28px 0 6px}
    section{scroll-margin-top:52px}
    .meta{font-size:13px;color:#444;margin:2px 0}
    .demo{background:#fff4d6;border:1px solid #e0a800;padding:8px 12px;margin:8px 0 0;font-size:14px}
    nav{font-size:13px;margin-top:8px}nav a{margin-right:12px}
    main{padding:0 24px 40px}
    .stepbar{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid #ddd;padding:8px 24px;font-size:14px;display:flex;gap:14px;align-items:center}
    .stepbar input{width:min(520px,50vw)}
    #steplabel{font-weight:bold;min-width:110px;display:inline-block}
    figure{margin:14px 0;background:#fff;border:1px solid #e2e2e2;padding:8px;display:inline-block;max-width:calc(100% - 18px)}
    figure img{max-width:100%;height:auto;display:block}
    figcaption{font-size:13px;color:#444;margin-top:4px;max-width:900px}
    .intro{font-size:14px;max-width:950px;line-height:1.45}
    details{margin:8px 0}summary{cursor:pointer;font-size:14px;color:#0060a0}
    table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ddd;padding:4px 10px;text-align:left}
    """

    /// The page as HTML text.
    public func html() -> String {
        let e = HTMLEscaping.escape
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(title))</title>
        <style>\(Self.css)</style>
        </head><body>
        <header><h1>\(e(title))</h1>

        """
        for line in header { out += "<p class=\"meta\">\(e(line))</p>\n" }
        if let demoNote { out += "<p class=\"demo\"><strong>Demo data.</strong> \(e(demoNote))</p>\n" }
        var nav = links.map { "<a href=\"\(e($0.href))\">\(e($0.label))</a>" }
        nav += sections.map { "<a href=\"#\(e($0.id))\">\(e($0.title))</a>" }
        if !nav.isEmpty { out += "<nav>\(nav.joined(separator: " "))</nav>\n" }
        out += "</header>\n"
        if let last = steps.last {
            out += """
            <div class="stepbar"><label for="step">Step</label>
            <input type="range" id="step" min="0" max="\(steps.count - 1)" value="\(steps.count - 1)" step="1" aria-label="training step">
            <button id="play" type="button">&#9654; play</button>
            <span id="steplabel">step \(last)</span><span id="stepindex">\(steps.count) of \(steps.count)</span>
            <span class="meta">moves every step-by-step figure below; axes stay fixed across steps</span></div>

            """
        }
        out += "<main>\n"
        for section in sections {
            out += "<section id=\"\(e(section.id))\"><h2>\(e(section.title))</h2>\n"
            if !section.intro.isEmpty { out += "<p class=\"intro\">\(e(section.intro))</p>\n" }
            for f in section.figures { out += figure(f) }
            if !section.more.isEmpty {
                out += "<details><summary>\(section.more.count) more figure\(section.more.count == 1 ? "" : "s")</summary>\n"
                for f in section.more { out += figure(f) }
                out += "</details>\n"
            }
            out += "</section>\n"
        }
        out += "</main>\n"
        if !steps.isEmpty { out += script() }
        out += "</body></html>\n"
        return out
    }

    private func figure(_ f: Figure) -> String {
        let e = HTMLEscaping.escape
        switch f {
        case let .image(src, alt, caption):
            return "<figure><a href=\"\(e(src))\"><img src=\"\(e(src))\" alt=\"\(e(alt))\"></a><figcaption>\(e(caption))</figcaption></figure>\n"
        case let .stepped(folder, alt, caption):
            let src = "\(folder)/step-\(steps.last ?? 0).svg"
            return "<figure><a href=\"\(e(src))\"><img src=\"\(e(src))\" data-stepped=\"\(e(folder))\" alt=\"\(e(alt))\"></a><figcaption>\(e(caption)) Standalone file per step: \(e(folder))/step-N.svg.</figcaption></figure>\n"
        case let .note(text):
            return "<p class=\"intro\">\(e(text))</p>\n"
        }
    }

    private func script() -> String {
        """
        <script>
        (function(){
          var steps=[\(steps.map(String.init).joined(separator: ","))];
          var slider=document.getElementById('step'), label=document.getElementById('steplabel');
          var index=document.getElementById('stepindex'), play=document.getElementById('play'), timer=null;
          var imgs=Array.prototype.slice.call(document.querySelectorAll('img[data-stepped]'));
          function show(i){
            var s=steps[i];
            label.textContent='step '+s;
            index.textContent=(i+1)+' of '+steps.length;
            imgs.forEach(function(im){
              var src=im.getAttribute('data-stepped')+'/step-'+s+'.svg';
              im.setAttribute('src',src);
              if(im.parentNode&&im.parentNode.tagName==='A'){im.parentNode.setAttribute('href',src);}
            });
          }
          slider.addEventListener('input',function(){show(+slider.value);});
          play.addEventListener('click',function(){
            if(timer){clearInterval(timer);timer=null;play.innerHTML='&#9654; play';return;}
            if(+slider.value>=steps.length-1){slider.value=0;show(0);}
            play.innerHTML='&#10074;&#10074; pause';
            timer=setInterval(function(){
              var i=+slider.value+1;
              if(i>=steps.length){clearInterval(timer);timer=null;play.innerHTML='&#9654; play';return;}
              slider.value=i;show(i);
            },350);
          });
        })();
        </script>

        """
    }
}
