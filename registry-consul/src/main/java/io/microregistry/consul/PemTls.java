package io.microregistry.consul;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS material from PEM files, as Consul's own tooling writes them ({@code consul tls cert
 * create}): CA and client certificates, and a private key in PKCS#8 ({@code PRIVATE KEY}),
 * PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}) form, unencrypted.
 *
 * <p>Immutable. Construction reads the files; a file that cannot be used is an
 * {@link IllegalArgumentException} naming the setting and the file.
 *
 * @param context      the SSL context to use
 * @param trustManager the trust manager inside it (OkHttp wants both)
 */
record PemTls(SSLContext context, X509TrustManager trustManager) {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+?)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    /** Loads the files; {@code ca} may be null (system trust), {@code cert}/{@code key} together or not at all. */
    static PemTls load(Path ca, Path cert, Path key) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (ca == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(ca, "MICRO_REGISTRY_TLS_CA")) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf.init(trust);
            }
            X509TrustManager trustManager = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    trustManager = x;
                }
            }
            KeyManagerFactory kmf = null;
            if (cert != null) {
                KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
                keys.load(null, null);
                List<Certificate> chain = certificates(cert, "MICRO_REGISTRY_TLS_CERT");
                keys.setKeyEntry("client", privateKey(key), NO_PASSWORD, chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, NO_PASSWORD);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {trustManager}, null);
            return new PemTls(context, trustManager);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS from the configured files: " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path file, String setting) throws GeneralSecurityException {
        byte[] bytes = read(file, setting);
        Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(bytes));
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(setting + " file " + file + " holds no PEM certificate");
        }
        return new ArrayList<>(certs);
    }

    private static PrivateKey privateKey(Path file) throws GeneralSecurityException {
        String text = new String(read(file, "MICRO_REGISTRY_TLS_KEY"), StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            byte[] pkcs8 = switch (type) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> Der.pkcs8(Der.RSA_ENCRYPTION, null, der);
                case "EC PRIVATE KEY" -> Der.pkcs8(Der.EC_PUBLIC_KEY, Der.ecCurve(der), der);
                default -> null;
            };
            if (pkcs8 == null) {
                continue;
            }
            for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                } catch (GeneralSecurityException wrongAlgorithm) {
                    // try the next one: PKCS#8 does not say which factory to use
                }
            }
            throw new IllegalArgumentException("MICRO_REGISTRY_TLS_KEY file " + file
                    + " holds a " + type + " that is not an RSA, EC or EdDSA key");
        }
        throw new IllegalArgumentException("MICRO_REGISTRY_TLS_KEY file " + file
                + " holds no unencrypted PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static byte[] read(Path file, String setting) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Just enough DER to wrap PKCS#1 and SEC1 keys into PKCS#8. */
    private static final class Der {
        static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
                0x01, 0x01};
        static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
        private static final byte[] NULL = {0x05, 0x00};

        private Der() {
        }

        /** PrivateKeyInfo { version 0, AlgorithmIdentifier { oid, params }, OCTET STRING key }. */
        static byte[] pkcs8(byte[] algorithmOid, byte[] params, byte[] key) {
            byte[] algorithm = tlv(0x30, concat(algorithmOid, params == null ? NULL : params));
            return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key)));
        }

        /** The named-curve OID (full TLV) inside a SEC1 ECPrivateKey's [0] parameters. */
        static byte[] ecCurve(byte[] sec1) {
            int[] pos = {0};
            expect(sec1, pos, 0x30);
            length(sec1, pos);
            while (pos[0] < sec1.length) {
                int tag = sec1[pos[0]] & 0xff;
                int start = pos[0];
                pos[0]++;
                int len = length(sec1, pos);
                if (tag == 0xa0) {
                    int inner = pos[0];
                    byte[] oid = new byte[len];
                    System.arraycopy(sec1, inner, oid, 0, len);
                    return oid;
                }
                pos[0] += len;
                if (pos[0] <= start) {
                    break;
                }
            }
            throw new IllegalArgumentException("EC PRIVATE KEY without named curve parameters");
        }

        private static void expect(byte[] der, int[] pos, int tag) {
            if (pos[0] >= der.length || (der[pos[0]] & 0xff) != tag) {
                throw new IllegalArgumentException("malformed DER key");
            }
            pos[0]++;
        }

        private static int length(byte[] der, int[] pos) {
            int first = der[pos[0]++] & 0xff;
            if (first < 0x80) {
                return first;
            }
            int n = first & 0x7f;
            int len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[pos[0]++] & 0xff);
            }
            return len;
        }

        private static byte[] tlv(int tag, byte[] value) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int len = value.length;
            if (len < 0x80) {
                out.write(len);
            } else if (len < 0x100) {
                out.write(0x81);
                out.write(len);
            } else if (len < 0x10000) {
                out.write(0x82);
                out.write(len >> 8);
                out.write(len);
            } else {
                out.write(0x83);
                out.write(len >> 16);
                out.write(len >> 8);
                out.write(len);
            }
            out.writeBytes(value);
            return out.toByteArray();
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return out.toByteArray();
        }
    }
}
