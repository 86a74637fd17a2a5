package hub.peers;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.activation.DataSource;

import org.apache.hc.core5.util.Timeout;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import com.helger.as2lib.client.AS2Client;
import com.helger.as2lib.client.AS2ClientRequest;
import com.helger.as2lib.client.AS2ClientResponse;
import com.helger.as2lib.client.AS2ClientSettings;
import com.helger.as2lib.crypto.ECompressionType;
import com.helger.as2lib.crypto.ECryptoAlgorithmCrypt;
import com.helger.as2lib.crypto.ECryptoAlgorithmSign;
import com.helger.as2lib.crypto.IMICMatchingHandler;
import com.helger.as2lib.disposition.DispositionOptions;
import com.helger.as2lib.disposition.DispositionType;
import com.helger.as2lib.exception.AS2Exception;
import com.helger.as2lib.message.AS2Message;
import com.helger.as2lib.message.AS2MessageMDN;
import com.helger.as2lib.message.IMessage;
import com.helger.as2lib.message.IMessageMDN;
import com.helger.as2lib.partner.Partnership;
import com.helger.as2lib.processor.receiver.AS2MDNReceiverModule;
import com.helger.as2lib.processor.receiver.net.AS2MDNReceiverHandler;
import com.helger.as2lib.processor.sender.AS2SenderModule;
import com.helger.as2lib.session.AS2Session;
import com.helger.as2lib.util.AS2Helper;
import com.helger.as2lib.util.http.IAS2HttpResponseHandler;
import com.helger.as2lib.util.http.IAS2IncomingMDNCallback;
import com.helger.commons.http.HttpHeaderMap;
import com.helger.commons.io.IWriteToStream;
import com.helger.mail.cte.EContentTransferEncoding;
import com.helger.security.keystore.EKeyStoreType;

/**
 * AS2 (RFC 4130) sending partner for the hub's tests, built on phax as2-lib 5.1.8 (its {@link AS2Client} API).
 * Same arguments and the same one-line JSON output as test/peers/pyas2/as2peer.py "send":
 *
 * <pre>
 * java -cp .tools/as2-java/as2-peer.jar:.tools/as2-java/lib/* hub.peers.As2Peer send --url URL --as2-from ID
 *   --as2-to ID --key KEY.pem --cert CERT.pem --partner-cert CERT.pem --payload FILE --content-type TYPE
 *   [--sign none|sha1|sha256|sha384|sha512] [--encrypt none|3des|aes128|aes192|aes256] [--compress]
 *   [--mdn none|sync|async] [--mdn-signed] [--async-port PORT] [--message-id ID] [--timeout SECONDS]
 * </pre>
 *
 * Exit code 0 when as2-lib judged the MDN positive (and verified its signature when a signed MDN was asked for), 1
 * otherwise, 2 on bad arguments. as2-lib logs (SLF4J simple) go to stderr at the level AS2PEER_LOG (default warn).
 *
 * <p>What as2-lib checks of an MDN, which is all this tool relies on:
 * <ul>
 * <li>{@code AS2Helper.parseMDN}: if the MDN is multipart/signed (or the partnership's force-verify is set, which this
 * tool does with --mdn-signed, so an unsigned MDN is then refused), {@code BCCryptoHelper.verify} checks the CMS
 * signature of every SignerInfo with BouncyCastle (signature and the message-digest attribute over the signed first
 * part) with the partner's certificate, after {@code checkValidity()} of that certificate (no chain or revocation
 * check). By default as2-lib prefers a certificate embedded in the signature over the configured one (and only logs a
 * mismatch); this tool turns that off ({@code setCryptoVerifyUseCertificateInBodyPart(false)}) so --partner-cert is
 * what counts.</li>
 * <li>MIC: as2-lib compares the Received-Content-MIC (value and digest algorithm) with the MIC it computed when
 * sending ({@code MIC.equals}); a mismatch is only reported to the {@link IMICMatchingHandler}, which this tool turns
 * into micMatches=false and exit 1. A MDN without a MIC gives micMatches=null.</li>
 * <li>Disposition: {@code DispositionType.validate} throws for a status other than "processed" and for
 * "processed/error"; "processed/warning" is only logged by as2-lib (this tool still exits 1 for it, like the
 * pyas2lib peer, and reports the disposition).</li>
 * <li>as2-lib does not check the MDN's Original-Message-ID against the message for a sync MDN; for an async MDN it
 * uses it to find the pending MIC of the original message (no pending record means no MIC match). This tool reports
 * it (originalMessageId) for the caller to compare.</li>
 * <li>Async MDN: as2-lib's own {@link AS2MDNReceiverModule} (a socket HTTP server) receives it on
 * 127.0.0.1:PORT; {@code AS2SenderModule} stored the original MIC in a pending-info file, which
 * {@code AS2MDNReceiverHandler.checkAsyncMDN} compares. That handler would answer the MDN POST with 200 when the MIC
 * matched and 404 when it did not (or was missing), 400 when parsing or verification failed; this tool answers 200 once
 * whatever the verdict (see {@link AnswerOnce200}), like the pyas2lib peer.</li>
 * <li>A failure while receiving or verifying a sync MDN is only logged by {@code AS2SenderModule}
 * ({@code onReceivedMDNError}); this tool records it, so it shows in "error" with signatureVerified=false.</li>
 * </ul>
 */
public final class As2Peer
{
  static final String PEER = "as2-lib";

  private As2Peer ()
  {}

  public static void main (final String [] args)
  {
    final String sLevel = System.getenv ().getOrDefault ("AS2PEER_LOG", "warn").toLowerCase (Locale.ROOT);
    System.setProperty ("org.slf4j.simpleLogger.defaultLogLevel", sLevel);
    System.setProperty ("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty ("org.slf4j.simpleLogger.showDateTime", "true");

    final Options aOptions;
    try
    {
      aOptions = Options.parse (args);
    }
    catch (final IllegalArgumentException ex)
    {
      System.err.println ("As2Peer: " + ex.getMessage ());
      System.exit (2);
      return;
    }

    Outcome aOutcome;
    try
    {
      aOutcome = send (aOptions);
    }
    catch (final Exception ex)
    {
      aOutcome = new Outcome ();
      aOutcome.addError (describe (ex));
      ex.printStackTrace (System.err);
    }
    final boolean bOk = aOutcome.isOk (aOptions);
    if (!bOk && aOutcome.errors.isEmpty ())
      aOutcome.addError ("MDN not positive: disposition " + aOutcome.disposition);
    System.out.println (aOutcome.toJson ());
    System.out.flush ();
    // as2-lib leaves non-daemon threads (HTTP client pools) behind: exit explicitly.
    System.exit (bOk ? 0 : 1);
  }

  // ------------------------------------------------------------------------------------------------------------------

  static final class Options
  {
    String url, as2From, as2To, key, cert, partnerCert, payload, contentType, messageId;
    String sign = "none", encrypt = "none", mdn = "sync";
    boolean compress, mdnSigned;
    int asyncPort;
    double timeoutSeconds = 30;

    static Options parse (final String [] args)
    {
      if (args.length == 0 || !"send".equals (args[0]))
        throw new IllegalArgumentException ("usage: send --url URL --as2-from ID --as2-to ID --key KEY.pem --cert CERT.pem --partner-cert CERT.pem --payload FILE --content-type TYPE [...]");
      final Options o = new Options ();
      for (int i = 1; i < args.length; i++)
      {
        final String a = args[i];
        switch (a)
        {
          case "--compress":
            o.compress = true;
            continue;
          case "--mdn-signed":
            o.mdnSigned = true;
            continue;
          default:
            break;
        }
        if (i + 1 >= args.length)
          throw new IllegalArgumentException ("missing value for " + a);
        final String v = args[++i];
        switch (a)
        {
          case "--url" -> o.url = v;
          case "--as2-from" -> o.as2From = v;
          case "--as2-to" -> o.as2To = v;
          case "--key" -> o.key = v;
          case "--cert" -> o.cert = v;
          case "--partner-cert" -> o.partnerCert = v;
          case "--payload" -> o.payload = v;
          case "--content-type" -> o.contentType = v;
          case "--sign" -> o.sign = oneOf (a, v, "none", "sha1", "sha256", "sha384", "sha512");
          case "--encrypt" -> o.encrypt = oneOf (a, v, "none", "3des", "aes128", "aes192", "aes256");
          case "--mdn" -> o.mdn = oneOf (a, v, "none", "sync", "async");
          case "--async-port" -> o.asyncPort = Integer.parseInt (v);
          case "--message-id" -> o.messageId = v;
          case "--timeout" -> o.timeoutSeconds = Double.parseDouble (v);
          default -> throw new IllegalArgumentException ("unknown option " + a);
        }
      }
      for (final String [] req : new String [] [] { { "--url", o.url },
                                                    { "--as2-from", o.as2From },
                                                    { "--as2-to", o.as2To },
                                                    { "--key", o.key },
                                                    { "--cert", o.cert },
                                                    { "--partner-cert", o.partnerCert },
                                                    { "--payload", o.payload },
                                                    { "--content-type", o.contentType } })
        if (req[1] == null)
          throw new IllegalArgumentException ("missing " + req[0]);
      return o;
    }

    private static String oneOf (final String sOpt, final String v, final String... allowed)
    {
      for (final String s : allowed)
        if (s.equals (v))
          return v;
      throw new IllegalArgumentException (sOpt + " must be one of " + String.join ("|", allowed) + ", not " + v);
    }

    boolean signs ()
    {
      return !"none".equals (sign);
    }

    /** as2-lib's names for the command-line digest names. */
    ECryptoAlgorithmSign signAlgorithm ()
    {
      return switch (signs () ? sign : "sha256")
      {
        case "sha1" -> ECryptoAlgorithmSign.DIGEST_SHA_1;
        case "sha384" -> ECryptoAlgorithmSign.DIGEST_SHA_384;
        case "sha512" -> ECryptoAlgorithmSign.DIGEST_SHA_512;
        default -> ECryptoAlgorithmSign.DIGEST_SHA_256;
      };
    }

    ECryptoAlgorithmCrypt cryptAlgorithm ()
    {
      return switch (encrypt)
      {
        case "3des" -> ECryptoAlgorithmCrypt.CRYPT_3DES;
        case "aes128" -> ECryptoAlgorithmCrypt.CRYPT_AES128_CBC;
        case "aes192" -> ECryptoAlgorithmCrypt.CRYPT_AES192_CBC;
        case "aes256" -> ECryptoAlgorithmCrypt.CRYPT_AES256_CBC;
        default -> null;
      };
    }
  }

  // ------------------------------------------------------------------------------------------------------------------

  /** What the run found out; printed as the JSON line. */
  static final class Outcome
  {
    String messageId;
    Integer httpStatus;
    boolean mdnReceived;
    String disposition;
    boolean signed;
    Boolean signatureVerified;
    Boolean micMatches;
    String originalMessageId;
    /** as2-lib's own verdict on the disposition (DispositionType.validate), null if it never got that far. */
    Boolean dispositionAccepted;
    final List <String> errors = new ArrayList <> ();

    synchronized void addError (final String s)
    {
      if (s != null && !errors.contains (s))
        errors.add (s);
    }

    boolean isOk (final Options o)
    {
      if (!errors.isEmpty () || httpStatus == null || httpStatus < 200 || httpStatus >= 300)
        return false;
      if ("none".equals (o.mdn))
        return true;
      return mdnReceived &&
             "processed".equals (disposition) &&
             !Boolean.FALSE.equals (dispositionAccepted) &&
             !Boolean.FALSE.equals (micMatches) &&
             (!o.mdnSigned || Boolean.TRUE.equals (signatureVerified));
    }

    String toJson ()
    {
      final Map <String, Object> mdn = new LinkedHashMap <> ();
      mdn.put ("received", mdnReceived);
      mdn.put ("disposition", disposition);
      mdn.put ("signed", signed);
      mdn.put ("signatureVerified", signatureVerified);
      mdn.put ("micMatches", micMatches);
      mdn.put ("originalMessageId", originalMessageId);
      final Map <String, Object> out = new LinkedHashMap <> ();
      out.put ("peer", PEER);
      out.put ("messageId", messageId);
      out.put ("httpStatus", httpStatus);
      out.put ("mdn", mdn);
      if (!errors.isEmpty ())
        out.put ("error", String.join ("; ", errors));
      return Json.write (out);
    }
  }

  static String stripBrackets (final String s)
  {
    if (s == null)
      return null;
    final String t = s.trim ();
    return t.startsWith ("<") && t.endsWith (">") ? t.substring (1, t.length () - 1) : t;
  }

  /** "automatic-action/MDN-sent-automatically; processed/Error: decryption-failed" → "processed/error: decryption-failed". */
  static String normalizeDisposition (final String s)
  {
    if (s == null)
      return null;
    try
    {
      final DispositionType d = DispositionType.createFromString (s);
      final StringBuilder sb = new StringBuilder (d.getStatus ());
      if (d.getStatusModifier () != null)
      {
        sb.append ('/').append (d.getStatusModifier ());
        if (d.getStatusDescription () != null)
          sb.append (": ").append (d.getStatusDescription ());
      }
      return sb.toString ().toLowerCase (Locale.ROOT);
    }
    catch (final AS2Exception ex)
    {
      return s.trim ().toLowerCase (Locale.ROOT);
    }
  }

  static String describe (final Throwable t)
  {
    final StringBuilder sb = new StringBuilder ();
    Throwable c = t;
    int depth = 0;
    while (c != null && depth++ < 6)
    {
      if (sb.length () > 0)
        sb.append (" <- ");
      sb.append (c.getClass ().getSimpleName ()).append (": ").append (c.getMessage ());
      if (c.getCause () == c)
        break;
      c = c.getCause ();
    }
    return sb.toString ();
  }

  /** Reads what as2-lib recorded on an MDN it parsed into the outcome (reading only; the checks are as2-lib's). */
  static void readMdn (final Outcome out, final IMessageMDN aMDN, final boolean bMdnSignedRequested)
  {
    out.mdnReceived = true;
    try
    {
      out.signed = aMDN.getData () != null && AS2Helper.getCryptoHelper ().isSigned (aMDN.getData ());
    }
    catch (final Exception ex)
    {
      out.addError ("cannot read MDN content type: " + describe (ex));
    }
    // AS2Helper.parseMDN sets this attribute only after BCCryptoHelper.verify succeeded.
    final boolean bVerified = aMDN.attrs ().getAsBoolean (AS2Message.ATTRIBUTE_RECEIVED_SIGNED, false);
    if (out.signed || bMdnSignedRequested)
      out.signatureVerified = bVerified;
    final String sDisposition = aMDN.attrs ().getAsString (AS2MessageMDN.MDNA_DISPOSITION);
    if (sDisposition != null)
      out.disposition = normalizeDisposition (sDisposition);
    final String sOrig = aMDN.attrs ().getAsString (AS2MessageMDN.MDNA_ORIG_MESSAGEID);
    if (sOrig != null)
      out.originalMessageId = stripBrackets (sOrig);
  }

  // ------------------------------------------------------------------------------------------------------------------

  static PrivateKey readPrivateKey (final String sPath) throws Exception
  {
    try (Reader r = Files.newBufferedReader (Path.of (sPath), StandardCharsets.US_ASCII); PEMParser p = new PEMParser (r))
    {
      final JcaPEMKeyConverter conv = new JcaPEMKeyConverter ();
      Object o;
      while ((o = p.readObject ()) != null)
      {
        if (o instanceof PEMKeyPair kp)
          return conv.getPrivateKey (kp.getPrivateKeyInfo ());
        if (o instanceof PrivateKeyInfo pki)
          return conv.getPrivateKey (pki);
      }
    }
    throw new IllegalArgumentException ("no unencrypted private key (PKCS#8 or PKCS#1 PEM) in " + sPath);
  }

  static X509Certificate readCertificate (final String sPath) throws Exception
  {
    try (InputStream in = new FileInputStream (sPath))
    {
      return (X509Certificate) java.security.cert.CertificateFactory.getInstance ("X.509").generateCertificate (in);
    }
  }

  static int freePort () throws Exception
  {
    try (ServerSocket s = new ServerSocket ())
    {
      s.bind (new InetSocketAddress ("127.0.0.1", 0));
      return s.getLocalPort ();
    }
  }

  // ------------------------------------------------------------------------------------------------------------------

  static Outcome send (final Options o) throws Exception
  {
    final Outcome out = new Outcome ();
    final long nDeadline = System.nanoTime () + (long) (o.timeoutSeconds * 1e9);
    final byte [] aPayload = Files.readAllBytes (Path.of (o.payload));
    final PrivateKey aKey = readPrivateKey (o.key);
    final X509Certificate aCert = readCertificate (o.cert);
    final X509Certificate aPartnerCert = readCertificate (o.partnerCert);
    final boolean bAsync = "async".equals (o.mdn);
    final int nAsyncPort = bAsync ? (o.asyncPort > 0 ? o.asyncPort : freePort ()) : 0;

    // The key store as2-lib's CertificateFactory reads: our key under our AS2 ID, the partner's certificate under
    // theirs. SelfFillingPartnershipFactory uses the AS2 IDs as aliases for partnerships it has not seen (the
    // async MDN's), so these aliases serve the sync and the async path alike.
    final String sKeyStorePassword = "as2peer";
    final KeyStore aKS = KeyStore.getInstance ("PKCS12");
    aKS.load (null, null);
    aKS.setKeyEntry (o.as2From, aKey, sKeyStorePassword.toCharArray (), new Certificate [] { aCert });
    aKS.setCertificateEntry (o.as2To, aPartnerCert);
    final ByteArrayOutputStream aKSBytes = new ByteArrayOutputStream ();
    aKS.store (aKSBytes, sKeyStorePassword.toCharArray ());

    final AS2ClientSettings aSettings = new AS2ClientSettings ();
    aSettings.setKeyStore (EKeyStoreType.PKCS12, aKSBytes.toByteArray (), sKeyStorePassword);
    aSettings.setSenderData (o.as2From, "as2peer@localhost", o.as2From);
    aSettings.setReceiverData (o.as2To, o.as2To, o.url);
    aSettings.setReceiverCertificate (aPartnerCert);
    aSettings.setPartnershipName (o.as2From + "-" + o.as2To);
    aSettings.setEncryptAndSign (o.cryptAlgorithm (), o.signs () ? o.signAlgorithm () : null);
    // Compress before signing when signing (as2-lib's default). Without a signature the order is moot for the bytes
    // sent, but not for the MIC: on the compress-before-sign path as2-lib takes its MIC over the compressed part,
    // where RFC 5402 section 4.1 says the MIC of an unsigned message is over the uncompressed content with its MIME
    // headers. So an unsigned message is sent on the other path, whose MIC is the RFC's.
    if (o.compress)
      aSettings.setCompress (ECompressionType.ZLIB, o.signs ());
    aSettings.setMDNRequested (!"none".equals (o.mdn));
    if (o.mdnSigned)
      aSettings.setMDNOptions (new DispositionOptions ().setProtocolImportance (DispositionOptions.IMPORTANCE_REQUIRED)
                                                        .setProtocol (DispositionOptions.PROTOCOL_PKCS7_SIGNATURE)
                                                        .setMICAlgImportance (DispositionOptions.IMPORTANCE_OPTIONAL)
                                                        .setMICAlg (o.signAlgorithm ()));
    else
      aSettings.setMDNOptions ((String) null);
    if (bAsync)
      aSettings.setAsyncMDNUrl ("http://127.0.0.1:" + nAsyncPort + "/mdn");
    aSettings.setRetryCount (0);
    final long nTimeoutMs = Math.max (1000L, (long) (o.timeoutSeconds * 1000));
    aSettings.setConnectTimeout (Timeout.ofMilliseconds (nTimeoutMs));
    aSettings.setResponseTimeout (Timeout.ofMilliseconds (nTimeoutMs));
    aSettings.setMICMatchingHandler (new IMICMatchingHandler ()
    {
      public void onMICMatch (final IMessage aMsg, final String sMIC)
      {
        out.micMatches = Boolean.TRUE;
      }

      public void onMICMismatch (final IMessage aMsg, final String sOriginalMIC, final String sReceivedMIC)
      {
        // No MIC in the MDN: nothing was compared.
        out.micMatches = sReceivedMIC == null ? null : Boolean.FALSE;
      }
    });

    final AS2ClientRequest aRequest = new AS2ClientRequest ("AS2 Message");
    aRequest.setData (aPayload);
    // After setData, which sets application/octet-stream.
    aRequest.setContentType (o.contentType);
    aRequest.setFilename (new File (o.payload).getName ());
    // Binary: the payload is neither re-encoded nor canonicalised to CRLF, so LF-only XML arrives unchanged.
    aRequest.setContentTransferEncoding (EContentTransferEncoding.BINARY);

    final CountDownLatch aAsyncDone = new CountDownLatch (1);
    final AtomicReference <AS2MDNReceiverModule> aAsyncModule = new AtomicReference <> ();
    final Path aPendingDir = bAsync ? Files.createTempDirectory ("as2peer-pending-") : null;

    final IAS2IncomingMDNCallback aMdnCallback = (bSync,
                                                  aMDN,
                                                  sFrom,
                                                  sTo,
                                                  sDisposition,
                                                  sMIC,
                                                  sOrigID,
                                                  bSigned,
                                                  bMICMatched) -> readMdn (out, aMDN, o.mdnSigned);

    final AS2Client aClient = new AS2Client ()
    {
      @Override
      protected AS2Session createSession ()
      {
        final AS2Session s = super.createSession ();
        // Verify MDN signatures with the configured partner certificate, never one the MDN brings along.
        s.setCryptoVerifyUseCertificateInBodyPart (false);
        return s;
      }

      @Override
      protected Partnership buildPartnership (final AS2ClientSettings aS)
      {
        final Partnership p = super.buildPartnership (aS);
        // With a signed MDN asked for, as2-lib's parseMDN verifies even an MDN that does not claim to be signed,
        // which fails: an unsigned MDN is refused.
        if (o.mdnSigned)
          p.setForceVerify (true);
        return p;
      }

      @Override
      protected AS2Message createMessage (final Partnership aPartnership, final AS2ClientRequest aReq) throws jakarta.mail.MessagingException
      {
        final AS2Message m = super.createMessage (aPartnership, aReq);
        if (o.messageId != null)
          m.setMessageID ("<" + o.messageId + ">");
        return m;
      }

      @Override
      protected void initMessageProcessor (final AS2Session aSession) throws AS2Exception
      {
        super.initMessageProcessor (aSession);
        if (aPendingDir != null)
        {
          // Where AS2SenderModule.storePendingInfo keeps the original MIC for the async MDN.
          aSession.getMessageProcessor ().setPendingMDNFolder (aPendingDir.resolve ("pendingmdn").toString ());
          aSession.getMessageProcessor ().setPendingMDNInfoFolder (aPendingDir.resolve ("pendingmdninfo").toString ());
          aPendingDir.resolve ("pendingmdn").toFile ().mkdirs ();
          aPendingDir.resolve ("pendingmdninfo").toFile ().mkdirs ();
        }
      }

      @Override
      protected void beforeSend (final AS2ClientSettings aS, final AS2Session aSession, final IMessage aMsg)
      {
        out.messageId = stripBrackets (aMsg.getMessageID ());
        if (!bAsync)
          return;
        // as2-lib's async MDN receiver, on the session the client has just set up (certificates, partnerships,
        // pending MIC folders). Started here, before the message leaves; not registered with the message
        // processor, which sendSynchronous stops as soon as the HTTP exchange is over.
        try
        {
          final AS2MDNReceiverModule m = new AS2MDNReceiverModule ()
          {
            @Override
            public AS2MDNReceiverHandler createHandler ()
            {
              final AS2MDNReceiverHandler h = new AS2MDNReceiverHandler (this)
              {
                @Override
                public void handleIncomingMessage (final String sClientInfo,
                                                   final DataSource aMsgData,
                                                   final AS2Message aMDNMsg,
                                                   final IAS2HttpResponseHandler aResponseHandler)
                {
                  try
                  {
                    // AS2MDNReceiverHandler.receiveMDN gives the MDN the certificate aliases of this (still empty)
                    // message's partnership: the MDN's sender is our partner, its certificate is under their ID.
                    aMDNMsg.partnership ().setSenderX509Alias (o.as2To);
                    aMDNMsg.partnership ().setReceiverX509Alias (o.as2From);
                    if (o.mdnSigned)
                      aMDNMsg.partnership ().setForceVerify (true);
                    super.handleIncomingMessage (sClientInfo, aMsgData, aMDNMsg, new AnswerOnce200 (aResponseHandler));
                    if (aMDNMsg.getMDN () != null)
                      readMdn (out, aMDNMsg.getMDN (), o.mdnSigned);
                  }
                  finally
                  {
                    aAsyncDone.countDown ();
                  }
                }
              };
              h.setIncomingMDNCallback (aMdnCallback);
              h.setMICMatchingHandler (aS.getMICMatchingHandler ());
              return h;
            }

            @Override
            public void handleError (final IMessage aMsg2, final AS2Exception aSrcEx)
            {
              out.addError ("as2-lib async MDN: " + describe (aSrcEx));
              super.handleError (aMsg2, aSrcEx);
            }
          };
          m.initDynamicComponent (aSession, null);
          m.setAddress ("127.0.0.1");
          m.setPort (nAsyncPort);
          m.start ();
          aAsyncModule.set (m);
        }
        catch (final AS2Exception ex)
        {
          out.addError ("cannot listen for the async MDN on 127.0.0.1:" + nAsyncPort + ": " + describe (ex));
        }
      }
    };

    aClient.setAS2SenderModuleFactory ( () -> {
      final AS2SenderModule m = new AS2SenderModule ()
      {
        @Override
        protected void onReceivedMDNError (final AS2Message aMsg, final AS2Exception ex) throws AS2Exception
        {
          // as2-lib only logs this (e.g. a bad MDN signature); record it.
          out.addError ("as2-lib MDN: " + describe (ex));
          super.onReceivedMDNError (aMsg, ex);
        }
      };
      m.setOutgoingHttpCallback ( (bIsMessage, sFrom, sTo, sID, aMIC, eCTE, sURL, nCode) -> out.httpStatus = nCode);
      m.setIncomingMDNCallback (aMdnCallback);
      return m;
    });

    try
    {
      final AS2ClientResponse aResponse = aClient.sendSynchronous (aSettings, aRequest);
      if (out.messageId == null)
        out.messageId = stripBrackets (aResponse.getOriginalMessageID ());
      if (aResponse.hasException ())
      {
        out.addError ("as2-lib: " + describe (aResponse.getException ()));
        if (aResponse.getException () instanceof com.helger.as2lib.disposition.AS2DispositionException)
          out.dispositionAccepted = Boolean.FALSE;
      }
      if (!bAsync && aResponse.hasMDN ())
      {
        final IMessageMDN aMDN = aResponse.getMDN ();
        // An MDN object exists as soon as as2-lib started reading the response; it holds data only if a body came.
        if (aMDN.getData () != null)
          readMdn (out, aMDN, o.mdnSigned);
      }
      if (!bAsync && !"none".equals (o.mdn) && !out.mdnReceived && out.errors.isEmpty ())
        out.addError ("no synchronous MDN in the HTTP response");

      if (bAsync && aAsyncModule.get () != null && out.httpStatus != null && out.httpStatus < 300)
      {
        final long nLeft = Math.max (0, nDeadline - System.nanoTime ());
        if (!aAsyncDone.await (nLeft, TimeUnit.NANOSECONDS))
          out.addError ("no asynchronous MDN within " + o.timeoutSeconds + " s");
      }
      if (out.disposition != null && out.dispositionAccepted == null && out.errors.isEmpty ())
        out.dispositionAccepted = Boolean.TRUE;
    }
    finally
    {
      final AS2MDNReceiverModule m = aAsyncModule.get ();
      if (m != null)
        try
        {
          m.stop ();
        }
        catch (final AS2Exception ex)
        {
          // ignore: the process ends anyway
        }
      if (aPendingDir != null)
        deleteTree (aPendingDir.toFile ());
    }
    return out;
  }

  /**
   * The answer to the async MDN POST: 200 once, as the pyas2lib peer answers (the verdict is in the JSON line).
   * as2-lib's handler would answer 404 when the MIC did not match or was missing and 400 when parsing or verification
   * failed, and after an error disposition it writes a second response (400) on the same connection; the status it
   * wanted is logged to stderr.
   */
  static final class AnswerOnce200 implements IAS2HttpResponseHandler
  {
    private final IAS2HttpResponseHandler m_aDelegate;
    private boolean m_bSent;

    AnswerOnce200 (final IAS2HttpResponseHandler aDelegate)
    {
      m_aDelegate = aDelegate;
    }

    public synchronized void sendHttpResponse (final int nHttpResponseCode,
                                               final HttpHeaderMap aHeaders,
                                               final IWriteToStream aData) throws IOException
    {
      if (nHttpResponseCode != 200)
        System.err.println ("As2Peer: as2-lib answered the async MDN with HTTP " + nHttpResponseCode + (m_bSent ? " (a second response, dropped)" : "; sending 200"));
      if (m_bSent)
        return;
      m_bSent = true;
      m_aDelegate.sendHttpResponse (200, aHeaders, aData);
    }
  }

  static void deleteTree (final File f)
  {
    final File [] children = f.listFiles ();
    if (children != null)
      for (final File c : children)
        deleteTree (c);
    f.delete ();
  }

  // ------------------------------------------------------------------------------------------------------------------

  /** Minimal JSON writer for the output line (strings, numbers, booleans, null, nested maps). */
  static final class Json
  {
    private Json ()
    {}

    static String write (final Object v)
    {
      final StringWriter sw = new StringWriter ();
      try (PrintWriter pw = new PrintWriter (sw))
      {
        write (pw, v);
      }
      return sw.toString ();
    }

    @SuppressWarnings ("unchecked")
    private static void write (final PrintWriter w, final Object v)
    {
      if (v == null)
        w.write ("null");
      else
        if (v instanceof Boolean || v instanceof Integer || v instanceof Long)
          w.write (v.toString ());
        else
          if (v instanceof Map <?, ?> m)
          {
            w.write ('{');
            boolean first = true;
            for (final Map.Entry <String, Object> e : ((Map <String, Object>) m).entrySet ())
            {
              if (!first)
                w.write (", ");
              first = false;
              string (w, e.getKey ());
              w.write (": ");
              write (w, e.getValue ());
            }
            w.write ('}');
          }
          else
            string (w, v.toString ());
    }

    private static void string (final PrintWriter w, final String s)
    {
      w.write ('"');
      for (int i = 0; i < s.length (); i++)
      {
        final char c = s.charAt (i);
        switch (c)
        {
          case '"' -> w.write ("\\\"");
          case '\\' -> w.write ("\\\\");
          case '\n' -> w.write ("\\n");
          case '\r' -> w.write ("\\r");
          case '\t' -> w.write ("\\t");
          default -> {
            if (c < 0x20)
              w.write (String.format ("\\u%04x", (int) c));
            else
              w.write (c);
          }
        }
      }
      w.write ('"');
    }
  }
}
