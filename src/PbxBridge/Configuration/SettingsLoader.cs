namespace PbxBridge.Configuration;

/// <summary>Builds, binds and validates the configuration in one step; throws <see cref="SettingsException"/> with every problem found.</summary>
public static class SettingsLoader
{
    public static PbxBridgeSettings LoadValidated(IReadOnlyList<string> settingArguments)
    {
        var settings = PbxBridgeSettings.Bind(ConfigurationFactory.Build(settingArguments));
        var errors = SettingsValidator.Validate(settings, PbxAdapterSettings.Validate(settings));
        if (errors.Count > 0)
        {
            throw new SettingsException(errors);
        }

        return settings;
    }
}
