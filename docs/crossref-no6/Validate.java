import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.*;
import org.w3c.dom.ls.*;
import org.w3c.dom.bootstrap.DOMImplementationRegistry;
import java.io.*;
import java.nio.file.*;
import java.util.Map;

public class Validate {
    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        Map<String, String> local = Map.of(
            "http://www.w3.org/2001/xml.xsd", "standard-modules/xml.xsd",
            "http://www.w3.org/2009/01/xml.xsd", "standard-modules/xml.xsd",
            "http://www.w3.org/Math/XMLSchema/mathml3/mathml3.xsd", "standard-modules/mathml3/mathml3.xsd");
        DOMImplementationLS ls = (DOMImplementationLS) DOMImplementationRegistry.newInstance().getDOMImplementation("LS");
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        f.setResourceResolver((type, ns, publicId, systemId, baseURI) -> {
            String l = systemId == null ? null : local.get(systemId);
            if (l == null) return null;
            LSInput in = ls.createLSInput();
            in.setSystemId(dir.resolve(l).toUri().toString());
            return in;
        });
        Schema s = f.newSchema(new StreamSource(dir.resolve("crossref5.3.1.xsd").toFile()));
        Validator v = s.newValidator();
        for (int i = 1; i < args.length; i++) {
            try { v.validate(new StreamSource(new File(args[i]))); System.out.println("valid: " + args[i]); }
            catch (org.xml.sax.SAXException e) { System.out.println("INVALID: " + args[i] + ": " + e.getMessage()); }
        }
    }
}
