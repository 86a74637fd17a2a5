// The official validation artefacts (schematron compiled to XSLT) as a long-running process, for the differential
// test. Started as `java -cp SAXON:XMLRESOLVER Oracle.java NAME=XSLT...` (XSLT a path or a jar: URL) (Java's single-file launch, no build step).
// Each stylesheet is compiled once. Requests arrive on stdin, one per line: "ID<TAB>NAME<TAB>FILE"; each answer is
// one line on stdout: "ID<TAB>fatal-ids<TAB>warning-ids" (ids comma-separated, in document order), or
// "ID<TAB>!<TAB>message" when the file could not be validated. Before "ready", one line per stylesheet:
// "universe<TAB>NAME<TAB>ids" (every id it can report as fatal). Requests run on a small pool of threads.
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.xml.transform.stream.StreamSource;
import net.sf.saxon.s9api.Processor;
import net.sf.saxon.s9api.QName;
import net.sf.saxon.s9api.XdmDestination;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.s9api.XsltExecutable;
import net.sf.saxon.s9api.XPathExecutable;
import net.sf.saxon.s9api.XPathCompiler;
import net.sf.saxon.s9api.XPathSelector;
import net.sf.saxon.s9api.XdmItem;

public class Oracle {
  private static final String SVRL = "http://purl.oclc.org/dsdl/svrl";

  /** A path, or a URL such as jar:file:/…/rules.jar!/x.xslt. */
  private static String systemId(String location) {
    return location.matches("^[a-z]+:.*") ? location : new File(location).toURI().toString();
  }

  public static void main(String[] args) throws Exception {
    Processor processor = new Processor(false);
    Map<String, XsltExecutable> stylesheets = new HashMap<>();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Pattern fatalId = Pattern.compile("name=\"id\">([^<]+)</xsl:attribute>\\s*<xsl:attribute name=\"flag\">fatal<");
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (equals < 0) continue;
      String name = arg.substring(0, equals);
      String location = systemId(arg.substring(equals + 1));
      stylesheets.put(name, processor.newXsltCompiler().compile(new StreamSource(location)));
      // The ids this stylesheet can report as fatal: the universe a comparison is made in.
      String text;
      try (InputStream stream = URI.create(location).toURL().openStream()) {
        text = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      }
      Set<String> ids = new TreeSet<>();
      Matcher matcher = fatalId.matcher(text);
      while (matcher.find()) ids.add(matcher.group(1));
      out.println("universe\t" + name + "\t" + String.join(",", ids));
    }
    XPathCompiler xpath = processor.newXPathCompiler();
    xpath.declareNamespace("svrl", SVRL);
    XPathExecutable failed = xpath.compile("//svrl:failed-assert | //svrl:successful-report");
    int threads = Integer.parseInt(System.getProperty("oracle.threads", "2"));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    out.println("ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] request = line.split("\t", 3);
      if (request.length < 3) continue;
      pool.submit(() -> {
        String answer;
        try {
          XsltExecutable stylesheet = stylesheets.get(request[1]);
          if (stylesheet == null) throw new IllegalArgumentException("no stylesheet named " + request[1]);
          XdmDestination result = new XdmDestination();
          var transformer = stylesheet.load30();
          transformer.transform(new StreamSource(new File(request[2])), result);
          XPathSelector selector = failed.load();
          selector.setContextItem(result.getXdmNode());
          StringBuilder fatal = new StringBuilder();
          StringBuilder warning = new StringBuilder();
          for (XdmItem item : selector) {
            XdmNode node = (XdmNode) item;
            String id = node.getAttributeValue(new QName("id"));
            String flag = node.getAttributeValue(new QName("flag"));
            StringBuilder target = "fatal".equals(flag) ? fatal : warning;
            if (target.length() > 0) target.append(',');
            target.append(id == null ? "?" : id);
          }
          answer = request[0] + "\t" + fatal + "\t" + warning;
        } catch (Exception e) {
          answer = request[0] + "\t!\t" + String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
        }
        synchronized (out) {
          out.println(answer);
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.HOURS);
  }
}
