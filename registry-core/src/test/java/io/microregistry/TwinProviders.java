package io.microregistry;

/** Two providers that both claim the name "twin", to prove the clash is reported. */
final class TwinProviders {
    private TwinProviders() {
    }

    public static final class First implements RegistryProvider {
        @Override
        public String name() {
            return "twin";
        }

        @Override
        public Registry open(RegistryConfig config) {
            throw new AssertionError("never opened");
        }
    }

    public static final class Second implements RegistryProvider {
        @Override
        public String name() {
            return "twin";
        }

        @Override
        public Registry open(RegistryConfig config) {
            throw new AssertionError("never opened");
        }
    }
}
